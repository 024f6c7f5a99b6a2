import { type JetStreamClient } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { DeadLetterHeaders as H, type DeadLetterReason, deadLetterMsgId } from '@jetbus/core';

export interface DeadLetterFields {
  subject: string;
  /** The original stream and its sequence (the DLQ entry's msg id is built from them). */
  stream?: string;
  seq: number;
  reason?: DeadLetterReason;
  errorClass?: string;
  errorMessage?: string;
  /** Headers of the original job, copied as they were. */
  jobHeaders?: Record<string, string>;
}

/** Writes a dead letter as the wire contract says (`dlq.<subject>`); resolves with its DLQ sequence. */
export async function writeDeadLetter(
  js: JetStreamClient,
  fields: DeadLetterFields,
  data: string | Uint8Array,
): Promise<number> {
  const h = natsHeaders();
  for (const [k, v] of Object.entries(fields.jobHeaders ?? {})) h.set(k, v);
  const stream = fields.stream ?? 'ORDERS';
  h.set(H.Subject, fields.subject);
  h.set(H.Stream, stream);
  h.set(H.Seq, String(fields.seq));
  h.set(H.Consumer, 'orders_worker');
  h.set(H.Attempts, '1');
  h.set(H.Reason, fields.reason ?? 'error');
  h.set(H.ErrorClass, fields.errorClass ?? 'Error');
  h.set(H.ErrorMessage, fields.errorMessage ?? 'failed');
  h.set(H.FailedAt, '2026-03-01T10:00:00.000Z');
  const ack = await js.publish(`dlq.${fields.subject}`, data, {
    msgID: deadLetterMsgId(stream, fields.seq),
    headers: h,
  });
  return ack.seq;
}
