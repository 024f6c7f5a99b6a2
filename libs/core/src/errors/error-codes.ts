/** Stable codes of jetbus errors; a `const` object plus its union type, as nats.js does. */
export const JetbusErrorCodes = {
  Config: 'CONFIG',
  Connection: 'CONNECTION',
  Authentication: 'AUTHENTICATION',
  NotConnected: 'NOT_CONNECTED',
  NoStreamForSubject: 'NO_STREAM_FOR_SUBJECT',
  PublishTimeout: 'PUBLISH_TIMEOUT',
  PublishFailed: 'PUBLISH_FAILED',
  PermissionDenied: 'PERMISSION_DENIED',
  PayloadTooLarge: 'PAYLOAD_TOO_LARGE',
  StreamLimit: 'STREAM_LIMIT',
  InvalidPayload: 'INVALID_PAYLOAD',
  Decode: 'DECODE',
  NonRetryable: 'NON_RETRYABLE',
  JobTimeout: 'JOB_TIMEOUT',
  ConsumerDrift: 'CONSUMER_DRIFT',
  UnsupportedServerFeature: 'UNSUPPORTED_SERVER_FEATURE',
  DeadLetterNotFound: 'DEAD_LETTER_NOT_FOUND',
  DeadLetterStreamNotFound: 'DEAD_LETTER_STREAM_NOT_FOUND',
  ReplayConflict: 'REPLAY_CONFLICT',
  ReplayTarget: 'REPLAY_TARGET',
  DeadLetterPayloadMissing: 'DEAD_LETTER_PAYLOAD_MISSING',
  StreamNotFound: 'STREAM_NOT_FOUND',
  RepairNotSupported: 'REPAIR_NOT_SUPPORTED',
  JobCancelled: 'JOB_CANCELLED',
} as const;

export type JetbusErrorCode = (typeof JetbusErrorCodes)[keyof typeof JetbusErrorCodes];
