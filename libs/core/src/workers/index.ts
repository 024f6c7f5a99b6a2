export { HeartbeatWriter, type WorkerIdentity } from './heartbeat-writer';
export { listWorkers } from './list-workers';
export {
  type DeclaredConsumer,
  type HandlerHeartbeat,
  type WorkerHeartbeat,
  parseWorkerHeartbeat,
} from './worker-heartbeat';
export { HEARTBEAT_TTL_INTERVALS, WORKERS_BUCKET, type WorkerKeyParts, workerKey } from './workers-bucket';
