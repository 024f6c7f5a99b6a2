import { type AccountLimits, type JetStreamLimits } from './auth-policy.types';

/** The only policy schema version so far. */
export const POLICY_VERSION = 1;
/** Name of the system account, always compiled; the server's `system_account`. */
export const SYSTEM_ACCOUNT_NAME = 'SYS';
/** The system account user whose creds push account updates (`creds/SYS/sys.creds`). */
export const SYSTEM_USER_NAME = 'sys';
/** NATS' "no limit". */
export const UNLIMITED = -1;

/**
 * Account limits when the policy leaves them out: everything explicit and unlimited. nats-server
 * 2.9 refuses connections to an account JWT without JetStream limits (the client only sees a
 * timeout), so these are always written, never omitted.
 */
export const DEFAULT_JETSTREAM_LIMITS: Readonly<JetStreamLimits> = {
  memoryStorage: UNLIMITED,
  diskStorage: UNLIMITED,
  streams: UNLIMITED,
  consumers: UNLIMITED,
  maxAckPending: UNLIMITED,
  memoryMaxStreamBytes: UNLIMITED,
  diskMaxStreamBytes: UNLIMITED,
  maxBytesRequired: false,
};

/** JetStream turned off (`jetstream: false`, and the system account, where it cannot run). */
export const DISABLED_JETSTREAM_LIMITS: Readonly<JetStreamLimits> = {
  memoryStorage: 0,
  diskStorage: 0,
  streams: 0,
  consumers: 0,
  maxAckPending: UNLIMITED,
  memoryMaxStreamBytes: UNLIMITED,
  diskMaxStreamBytes: UNLIMITED,
  maxBytesRequired: false,
};

export const DEFAULT_ACCOUNT_LIMITS: Readonly<AccountLimits> = {
  connections: UNLIMITED,
  leafNodes: UNLIMITED,
  subscriptions: UNLIMITED,
  data: UNLIMITED,
  payload: UNLIMITED,
  imports: UNLIMITED,
  exports: UNLIMITED,
  wildcardExports: true,
  jetstream: DEFAULT_JETSTREAM_LIMITS,
};
