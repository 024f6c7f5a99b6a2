export { type DeadLetter, type DeadLetterTarget, DeadLetterSink } from './dead-letter.sink';
export { LogDeadLetterSink } from './log-dead-letter.sink';
export { StreamDeadLetterSink, type StreamDeadLetterSettings } from './stream-dead-letter.sink';
export { type DeadLetterInput } from './dead-letter-record.input';
export { type DeadLetterOptions } from './dead-letter.options';
export {
  DeadLetterHeaders,
  DEAD_LETTER_HEADER_PREFIX,
  deadLetterMsgId,
  deadLetterSubjectTail,
  replayMsgId,
} from './dead-letter.headers';
export {
  MaxDeliveriesReaper,
  type MaxDeliveriesReaperOptions,
  REAPER_MAX_ATTEMPTS,
  REAPER_MINIMAL_FROM_ATTEMPT,
  MAX_DELIVERIES_ADVISORY_SUBJECT,
  maxDeliveriesAdvisorySubject,
  type MaxDeliveriesAdvisory,
} from './max-deliveries.reaper';
export { DeadLetterMarks, type DeadLetterMark, deadLetterMarksBucket } from './dead-letter-marks';
export {
  DeadLetterPayloads,
  deadLetterPayloadBucket,
  deadLetterPayloadName,
  type PayloadObjectRef,
} from './dead-letter-payloads';
export {
  type DeadLetterEntry,
  type DeadLetterPayload,
  type DeadLetterHeaderMap,
  type DeadLetterRecord,
  type MalformedDeadLetter,
  DEAD_LETTER_REASONS,
  isDeadLetterReason,
  parseDeadLetter,
} from './dead-letter-record';
export {
  type DeadLetterFilter,
  type ParsedDeadLetterFilter,
  hasDeadLetterCriteria,
  matchesDeadLetterFilter,
  parseDeadLetterFilter,
  subjectMatches,
} from './dead-letter-filter';
export {
  DeadLetterStore,
  type DeadLetterStoreOptions,
  DEAD_LETTER_DEFAULT_STREAM,
} from './dead-letter-store';
export {
  replayDeadLetters,
  parseReplayOptions,
  REPLAY_DEFAULT_RATE_PER_SECOND,
  REPLAY_DEFAULT_TIMEOUT_MS,
  type ReplayOptions,
  type ReplayOutcome,
  type ReplayProgress,
  type ReplayReport,
  type ReplayedDeadLetter,
  type PlannedReplay,
  type SkippedDeadLetter,
  type FailedReplay,
} from './replay';
