export { NatsServer } from './nats-server';
export { type NatsServerOptions, type NatsServerClusterOptions } from './nats-server.options';
export { NatsCluster } from './nats-cluster';
export { type NatsClusterOptions } from './nats-cluster.options';
export { freePort } from './free-port';
export { createTestPki, type TestPki, type TestPkiOptions } from './test-pki';
export {
  NatsServerNotFoundError,
  NatsServerStartError,
  NatsClusterNotReadyError,
  OpensslNotFoundError,
  TestPkiError,
} from './errors';
export { resolveNatsServerBinary } from './nats-server-binary';
export { type HealthNode, jetstreamClusterProblem } from './cluster-health';
