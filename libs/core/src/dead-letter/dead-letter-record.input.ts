import { type MsgHdrs } from '@nats-io/transport-node';
import { type DeadLetterReason } from '../retry';
import { type DeadLetterTarget } from './dead-letter.sink';

/** Everything a dead letter is made of, whether a worker or the reaper writes it. */
export interface DeadLetterInput {
  subject: string;
  data: Uint8Array;
  headers: MsgHdrs | undefined;
  stream: string;
  seq: number;
  consumer: string;
  attempts: number;
  reason: DeadLetterReason;
  error: unknown;
  handler?: string;
  target?: DeadLetterTarget;
}
