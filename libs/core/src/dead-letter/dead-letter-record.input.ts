import { type MsgHdrs } from '@nats-io/transport-node';
import { type DeadLetterReason } from '../retry';
import { type DeadLetterTarget } from './dead-letter.sink';

/** Everything a dead letter is made of, whether a worker or the reaper writes it. */
export interface DeadLetterInput {
  subject: string;
  data: Uint8Array;
  headers: MsgHdrs | undefined;
  /** The job's header block, escaped, when nats.js could not decode it (see `jobHeaders`). */
  undecodableHeaders?: string;
  /**
   * The job's header block as received, kept when its headers cannot travel with the dead letter
   * (see `DEAD_LETTER_HEADERS_MAX`); without it the decoded `headers` are encoded again.
   */
  headerBlock?: Uint8Array;
  stream: string;
  seq: number;
  consumer: string;
  attempts: number;
  reason: DeadLetterReason;
  error: unknown;
  handler?: string;
  target?: DeadLetterTarget;
  /**
   * Write the metadata only, without the payload or the job's own headers: the last resort when
   * the full dead letter cannot be stored. The payload stays in the source stream (`Jetbus-Dlq-Payload:
   * source`), so nothing is deleted there.
   */
  minimal?: boolean;
  /** The job had completed (its `idempotency` record says so); only its ack was lost. */
  completed?: boolean;
}
