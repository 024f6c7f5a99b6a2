import { type JetStreamManager } from '@nats-io/jetstream';
import { DeadLetterHeaders as H } from '@jetbus/core';

export interface DeadLetterView {
  dlqSeq: number;
  dlqSubject: string;
  subject: string;
  stream: string;
  seq: number;
  consumer: string;
  attempts: number;
  reason: string;
  errorClass: string;
  errorMessage: string;
  handler: string | undefined;
  headers: Record<string, string>;
  body: string;
}

/** Reads every message of the DLQ stream, in order, for exact assertions. */
export async function readDeadLetters(
  jsm: JetStreamManager,
  stream = 'JETBUS_DLQ',
): Promise<DeadLetterView[]> {
  const info = await jsm.streams.info(stream);
  const out: DeadLetterView[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const m = await jsm.streams.getMessage(stream, { seq });
    if (!m) continue;
    const headers: Record<string, string> = {};
    for (const [k, v] of m.header) headers[k] = v[0];
    out.push({
      dlqSeq: m.seq,
      dlqSubject: m.subject,
      subject: m.header.get(H.Subject),
      stream: m.header.get(H.Stream),
      seq: Number(m.header.get(H.Seq)),
      consumer: m.header.get(H.Consumer),
      attempts: Number(m.header.get(H.Attempts)),
      reason: m.header.get(H.Reason),
      errorClass: m.header.get(H.ErrorClass),
      errorMessage: m.header.get(H.ErrorMessage),
      handler: m.header.has(H.Handler) ? m.header.get(H.Handler) : undefined,
      headers,
      body: new TextDecoder().decode(m.data),
    });
  }
  return out;
}
