import { type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { type DeadLetterReason, DeadLetterHeaders as H, deadLetterMsgId } from '@jetbus/core';

export interface DeadLetterSpec {
  subject: string;
  /** Stream sequence of the original message: part of the dead letter's dedup id, so keep it unique. */
  seq: number;
  data?: unknown;
  headers?: Record<string, string | string[]>;
  stream?: string;
  consumer?: string;
  attempts?: number;
  reason?: DeadLetterReason;
  errorClass?: string;
  errorMessage?: string;
  errorStack?: string;
  failedAt?: Date;
  handler?: string;
  originalMsgId?: string;
}

export const encode = (data: unknown): Uint8Array =>
  data instanceof Uint8Array ? data : new TextEncoder().encode(JSON.stringify(data));

/**
 * Writes a dead letter exactly as the wire contract says (what StreamDeadLetterSink does): to
 * `dlq.<subject>`, original payload and headers plus Jetbus-Dlq-*, `Nats-Msg-Id: dlq:<stream>:<seq>`.
 * Resolves with its DLQ sequence.
 */
export async function writeDeadLetter(
  js: JetStreamClient,
  spec: DeadLetterSpec,
  dlqStream = 'JETBUS_DLQ',
): Promise<number> {
  const stream = spec.stream ?? 'ORDERS';
  const h = natsHeaders();
  for (const [k, v] of Object.entries(spec.headers ?? {})) for (const one of [v].flat()) h.append(k, one);
  if (spec.originalMsgId) h.set(H.OriginalMsgId, spec.originalMsgId);
  h.set(H.Subject, spec.subject);
  h.set(H.Stream, stream);
  h.set(H.Seq, String(spec.seq));
  h.set(H.Consumer, spec.consumer ?? 'orders_orders-created');
  h.set(H.Attempts, String(spec.attempts ?? 3));
  h.set(H.Reason, spec.reason ?? 'error');
  h.set(H.ErrorClass, spec.errorClass ?? 'Error');
  h.set(H.ErrorMessage, spec.errorMessage ?? 'boom');
  if (spec.errorStack) h.set(H.ErrorStack, spec.errorStack);
  h.set(H.FailedAt, (spec.failedAt ?? new Date()).toISOString());
  if (spec.handler) h.set(H.Handler, spec.handler);
  const ack = await js.publish(`dlq.${spec.subject}`, encode(spec.data ?? { seq: spec.seq }), {
    msgID: deadLetterMsgId(stream, spec.seq),
    headers: h,
    expect: { streamName: dlqStream },
  });
  return ack.seq;
}

/** A message in the DLQ stream that no jetbus writer would produce: no Jetbus-Dlq-Subject. */
export async function writeMalformed(js: JetStreamClient, body: string): Promise<number> {
  const h = natsHeaders();
  h.set('X-Origin', 'someone else');
  return (await js.publish('dlq.mystery', new TextEncoder().encode(body), { headers: h })).seq;
}

export interface StoredView {
  seq: number;
  subject: string;
  headers: Record<string, string[]>;
  body: string;
}

/** Every message in a stream, in order. */
export async function readStream(jsm: JetStreamManager, stream: string): Promise<StoredView[]> {
  const { state } = await jsm.streams.info(stream);
  const out: StoredView[] = [];
  for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq++) {
    const m = await jsm.streams.getMessage(stream, { seq });
    if (!m) continue;
    const headers: Record<string, string[]> = {};
    for (const [k, v] of m.header) headers[k] = v;
    out.push({ seq: m.seq, subject: m.subject, headers, body: new TextDecoder().decode(m.data) });
  }
  return out;
}

/** Fresh ORDERS (orders.>), PAY (pay.>) and JETBUS_DLQ (dlq.>): sequences and duplicate windows start over. */
export async function resetStreams(jsm: JetStreamManager): Promise<void> {
  for await (const name of jsm.streams.names()) await jsm.streams.delete(name);
  await jsm.streams.add({ name: 'ORDERS', subjects: ['orders.>'] });
  await jsm.streams.add({ name: 'PAY', subjects: ['pay.>'] });
  await jsm.streams.add({ name: 'JETBUS_DLQ', subjects: ['dlq.>'] });
}
