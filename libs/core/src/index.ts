export { JetbusModule } from './module/jetbus.module';
export {
  type JetbusModuleOptions,
  type JetbusModuleAsyncOptions,
  type JetbusTlsOptions,
} from './module/jetbus-module.options';
export { type JetbusStreamOptions } from './module/jetbus-stream.options';
export { JetbusConnection } from './module/jetbus.connection';
export { JETBUS_LOGGER, JETBUS_MODULE_OPTIONS } from './constants';
export { JetbusClient, JetbusClientProxy, type PublishOptions, type PublishRequest } from './client';
export { JetbusServer } from './server/jetbus.server';
export { JetbusContext } from './server/jetbus.context';
export { JobHandler } from './handlers/job-handler.decorator';
export { type JobHandlerOptions } from './handlers/job-handler.options';
export {
  type BackoffFunction,
  type BackoffOptions,
  type DeadLetterReason,
  type Duration,
  type ExponentialBackoff,
  type FixedBackoff,
  type ListBackoff,
  createBackoff,
} from './retry';
export { type Codec, JsonCodec } from './codec';
export { JetbusMetrics } from './observability/jetbus-metrics';
export {
  type DeadLetter,
  type DeadLetterOptions,
  DeadLetterSink,
  DeadLetterHeaders,
  DEAD_LETTER_HEADER_PREFIX,
  deadLetterMsgId,
  replayMsgId,
  MAX_DELIVERIES_ADVISORY_SUBJECT,
} from './dead-letter';
export * from './errors';
export { Payload, Ctx } from '@nestjs/microservices';
export { type PubAck } from '@nats-io/jetstream';
