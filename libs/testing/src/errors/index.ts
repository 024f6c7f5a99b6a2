export { NatsServerNotFoundError } from './nats-server-not-found.error';
export { NatsServerStartError } from './nats-server-start.error';
export { NatsClusterNotReadyError } from './nats-cluster-not-ready.error';
export { OpensslNotFoundError } from './openssl-not-found.error';
export { TestPkiError } from './test-pki.error';
