export { repairStream } from './repair-stream';
export {
  type RepairStreamOptions,
  REPAIR_DEFAULT_ADVISORY_STREAM,
  REPAIR_DEFAULT_BATCH_SIZE,
} from './repair-stream.options';
export {
  type LeftMessage,
  type RepairConsumerView,
  type RepairLeftReason,
  RepairLeftReasons,
  type StrandedMessage,
  type StreamRepairReport,
} from './stream-repair.report';
export { repairWorkQueues } from './repair-work-queues';
