import { type StoredMsg } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { DeadLetterHeaders as H, deadLetterSubjectTail } from './dead-letter.headers';
import { parseDeadLetter } from './dead-letter-record';

const STORED_AT = new Date('2026-01-02T03:04:05.678Z');

/** A DLQ message as `jsm.streams.getMessage()` returns it. */
function storedMsg(
  seq: number,
  headerList: [string, string][],
  body: string | Uint8Array = '{"id":1}',
  subject = 'dlq.orders.created',
): StoredMsg {
  const header = natsHeaders();
  for (const [k, v] of headerList) header.append(k, v);
  const data = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  return {
    subject,
    seq,
    header,
    data,
    time: STORED_AT,
    timestamp: STORED_AT.toISOString(),
    lastSequence: 0,
    pending: 0,
    json: <T>() => JSON.parse(new TextDecoder().decode(data)) as T,
    string: () => new TextDecoder().decode(data),
  };
}

/** Every header the DLQ writer sets, for `orders.created` seq 42. */
const FULL: [string, string][] = [
  ['X-Tenant', 'acme'],
  ['X-Tags', 'a'],
  ['X-Tags', 'b'],
  ['traceparent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'],
  [H.OriginalMsgId, 'order:1'],
  [H.Subject, 'orders.created'],
  [H.Stream, 'ORDERS'],
  [H.Seq, '42'],
  [H.Consumer, 'orders_orders-created'],
  [H.Attempts, '5'],
  [H.Reason, 'error'],
  [H.ErrorClass, 'TypeError'],
  [H.ErrorMessage, 'gateway down'],
  [H.ErrorStack, 'at charge (pay.ts:1:2) | at run (runner.ts:3:4)'],
  [H.FailedAt, '2026-01-02T03:04:05.000Z'],
  [H.Handler, 'OrderJobs.reserve'],
  ['Nats-Msg-Id', 'dlq:ORDERS:42'],
];

describe('parseDeadLetter', () => {
  describe('when every header is there', () => {
    it('reads each field and keeps only the original headers', () => {
      const entry = parseDeadLetter(storedMsg(7, FULL));
      expect(entry).toEqual({
        kind: 'dead-letter',
        dlqSeq: 7,
        dlqSubject: 'dlq.orders.created',
        storedAt: STORED_AT,
        data: new TextEncoder().encode('{"id":1}'),
        text: expect.any(Function),
        json: expect.any(Function),
        subject: 'orders.created',
        stream: 'ORDERS',
        seq: 42,
        consumer: 'orders_orders-created',
        attempts: 5,
        reason: 'error',
        errorClass: 'TypeError',
        errorMessage: 'gateway down',
        errorStack: 'at charge (pay.ts:1:2) | at run (runner.ts:3:4)',
        failedAt: new Date('2026-01-02T03:04:05.000Z'),
        handler: 'OrderJobs.reserve',
        originalMsgId: 'order:1',
        payload: { kind: 'inline' },
        completed: false,
        headers: {
          'X-Tenant': ['acme'],
          'X-Tags': ['a', 'b'],
          traceparent: ['00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'],
        },
      });
    });

    it('decodes the payload as text and JSON', () => {
      const entry = parseDeadLetter(storedMsg(7, FULL, '{"id":1,"name":"ü"}'));
      expect(entry.text()).toBe('{"id":1,"name":"ü"}');
      expect(entry.json<{ id: number; name: string }>()).toEqual({ id: 1, name: 'ü' });
    });
  });

  describe('when dead-letter header names use another case', () => {
    // jetbus alone writes that namespace, in its own spelling: another spelling was forged.
    it('is malformed rather than trusted', () => {
      const lower = FULL.map(([k, v]): [string, string] => [k.toLowerCase(), v]);
      const entry = parseDeadLetter(storedMsg(7, lower));
      expect(entry).toMatchObject({
        kind: 'malformed',
        problem: expect.stringContaining('jetbus-dlq-subject'),
      });
    });

    it('is malformed when a forged spelling stands beside the real one, whichever comes first', () => {
      for (const order of ['forged-first', 'real-first']) {
        const forged: [string, string] = ['jetbus-dlq-subject', '$JS.API.STREAM.DELETE.VICTIM'];
        const headers = order === 'forged-first' ? [forged, ...FULL] : [...FULL, forged];
        expect(parseDeadLetter(storedMsg(7, headers))).toMatchObject({ kind: 'malformed' });
      }
    });
  });

  describe('when Jetbus-Dlq-Subject disagrees with the subject the dead letter is stored under', () => {
    it('is malformed: replay can only go back where the DLQ subject says', () => {
      const headers = FULL.map(([k, v]): [string, string] =>
        k === H.Subject ? [k, '$JS.API.STREAM.DELETE.VICTIM'] : [k, v],
      );
      expect(parseDeadLetter(storedMsg(7, headers))).toMatchObject({
        kind: 'malformed',
        problem: expect.stringContaining('disagrees'),
      });
      expect(parseDeadLetter(storedMsg(7, FULL), 'dlq')).toMatchObject({ kind: 'dead-letter' });
      expect(parseDeadLetter(storedMsg(7, FULL), 'dead')).toMatchObject({ kind: 'malformed' });
    });
  });

  describe('when the original subject is too long to be stored under as is', () => {
    const long = `orders.any.${'a'.repeat(4_000)}`;
    const withSubject = (subject: string) =>
      FULL.map(([k, v]): [string, string] => (k === H.Subject ? [k, subject] : [k, v]));

    it('agrees with the shortened subject the writer used, and only with it', () => {
      const tail = deadLetterSubjectTail(long);
      expect(tail).toMatch(/^orders\.any\.=h[0-9a-f]{32}$/);
      const stored = storedMsg(7, withSubject(long), '{}', `dlq.${tail}`);
      expect(parseDeadLetter(stored, 'dlq')).toMatchObject({ kind: 'dead-letter', subject: long });
      expect(parseDeadLetter(stored)).toMatchObject({ kind: 'dead-letter', subject: long });
      const other = storedMsg(7, withSubject(`${long}b`), '{}', `dlq.${tail}`);
      expect(parseDeadLetter(other, 'dlq')).toMatchObject({ kind: 'malformed' });
      // An entry an older jetbus wrote under the whole subject still reads.
      expect(parseDeadLetter(storedMsg(7, withSubject(long), '{}', `dlq.${long}`), 'dlq')).toMatchObject({
        kind: 'dead-letter',
      });
    });
  });

  describe('when the payload is kept outside the entry', () => {
    it('reads where it is', () => {
      const withRef = [
        ...FULL,
        [H.Payload, 'object JETBUS_DLQ_PAYLOADS_ORDERS 42'],
        [H.PayloadSize, '1048570'],
      ];
      expect(parseDeadLetter(storedMsg(7, withRef as [string, string][]))).toMatchObject({
        kind: 'dead-letter',
        payload: { kind: 'object', bucket: 'JETBUS_DLQ_PAYLOADS_ORDERS', name: '42', size: 1048570 },
      });
      const minimal = [...FULL, [H.Payload, 'source'], [H.PayloadSize, '12']];
      expect(parseDeadLetter(storedMsg(7, minimal as [string, string][]))).toMatchObject({
        payload: { kind: 'source', size: 12 },
      });
      const unknown = [...FULL, [H.Payload, 'somewhere else']];
      expect(parseDeadLetter(storedMsg(7, unknown as [string, string][]))).toMatchObject({
        kind: 'malformed',
      });
    });
  });

  describe('when Jetbus-Dlq-Subject is missing', () => {
    it('is malformed, with every stored header kept for inspection', () => {
      const entry = parseDeadLetter(
        storedMsg(
          9,
          [
            ['X-Tenant', 'acme'],
            [H.Reason, 'error'],
          ],
          'raw',
        ),
      );
      expect(entry).toMatchObject({
        kind: 'malformed',
        dlqSeq: 9,
        problem: 'no Jetbus-Dlq-Subject header: the original subject is unknown',
        headers: { 'X-Tenant': ['acme'], [H.Reason]: ['error'] },
      });
      expect(entry.text()).toBe('raw');
    });
  });

  describe('when Jetbus-Dlq-Subject cannot be published to', () => {
    it.each(['orders.*', 'orders.>', 'orders..created', 'two words', '.orders'])(
      'is malformed for "%s"',
      (s) => {
        const entry = parseDeadLetter(storedMsg(9, [[H.Subject, s]]));
        expect(entry).toMatchObject({ kind: 'malformed', problem: expect.stringContaining('not a subject') });
      },
    );
  });

  describe('when the other fields are missing or garbled', () => {
    it('falls back to the documented defaults instead of failing', () => {
      const entry = parseDeadLetter(
        storedMsg(3, [
          [H.Subject, 'orders.created'],
          [H.Seq, 'x12'],
          [H.Attempts, '-1'],
          [H.Reason, 'exploded'],
          [H.FailedAt, 'yesterday'],
        ]),
      );
      expect(entry).toMatchObject({
        kind: 'dead-letter',
        subject: 'orders.created',
        stream: '',
        seq: 0,
        consumer: '',
        attempts: 0,
        reason: 'unknown',
        errorClass: '',
        errorMessage: '',
        errorStack: '',
        failedAt: STORED_AT,
        headers: {},
      });
      expect(entry).not.toHaveProperty('handler');
      expect(entry).not.toHaveProperty('originalMsgId');
    });
  });

  describe('when the payload is binary', () => {
    it('keeps the bytes as they are', () => {
      const bytes = new Uint8Array([0, 255, 1]);
      expect(parseDeadLetter(storedMsg(1, FULL, bytes)).data).toEqual(bytes);
    });
  });
});
