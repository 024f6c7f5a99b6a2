export { ensureStreams, toStreamConfig } from './stream-provisioner';
export { ensureConsumer, resolveStream, toConsumerConfig, type ConsumerTarget } from './consumer-provisioner';
export { laneConsumerConfig, provisionLanes } from './lane-consumers';
