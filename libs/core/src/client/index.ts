export { JetbusClient, type JetbusClientSettings } from './jetbus.client';
export { JetbusClientProxy } from './jetbus-client.proxy';
export {
  type PublishOptions,
  type PublishRequest,
  type ScheduledPubAck,
  type ScheduledPublishOptions,
} from './publish.options';
