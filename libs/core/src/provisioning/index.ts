export { ensureStreams, toStreamConfig } from './stream-provisioner';
export { ensureConsumer, resolveStream, toConsumerConfig, type ConsumerTarget } from './consumer-provisioner';
