export { type DeadLetter, DeadLetterSink } from './dead-letter.sink';
export { LogDeadLetterSink } from './log-dead-letter.sink';
export { StreamDeadLetterSink, type StreamDeadLetterSettings } from './stream-dead-letter.sink';
export { type DeadLetterInput } from './dead-letter-record.input';
export { type DeadLetterOptions } from './dead-letter.options';
export {
  DeadLetterHeaders,
  DEAD_LETTER_HEADER_PREFIX,
  deadLetterMsgId,
  replayMsgId,
} from './dead-letter.headers';
export {
  MaxDeliveriesReaper,
  MAX_DELIVERIES_ADVISORY_SUBJECT,
  type MaxDeliveriesAdvisory,
} from './max-deliveries.reaper';
