import { type Duration } from '../retry';

/**
 * A stream jetbus ensures exists at startup (created if missing, updated if its config changed).
 * Unknown keys and wrong types are refused at startup, naming `streams[<i>].<option>`.
 */
export interface JetbusStreamOptions {
  name: string;
  subjects: string[];
  /** `workqueue` removes a job once acked; `interest` once every consumer acked it. @default 'limits' */
  retention?: 'limits' | 'workqueue' | 'interest';
  /** @default 'file' */
  storage?: 'file' | 'memory';
  /** R1 on a single server, R3 in a 3-node cluster. @default 1 */
  replicas?: number;
  /** Oldest message age kept; 0 keeps forever, else at least 100ms (the NATS minimum). @default 0 */
  maxAge?: Duration;
  /** -1 is unlimited. @default -1 */
  maxMsgs?: number;
  /** -1 is unlimited. @default -1 */
  maxBytes?: number;
  /** -1 is unlimited. @default -1 */
  maxMsgsPerSubject?: number;
  /** Largest single message the stream accepts, in bytes; -1 is the server's max_payload. @default -1 */
  maxMsgSize?: number;
  /**
   * What happens at a limit: `old` drops the oldest messages, `new` refuses the publish (the producer
   * gets a StreamLimitError). Jobs usually want `new`: nothing accepted is silently dropped.
   * @default 'new'
   */
  discard?: 'old' | 'new';
  /**
   * How long a `msgId` is remembered for deduplication; at least 100ms (NATS would read 0 as its
   * own default) and not longer than a non-zero `maxAge`. Left unset, it shrinks to a `maxAge`
   * below 2m. @default '2m'
   */
  duplicateWindow?: Duration;
}
