import {
  type DeadLetterRecord,
  type MalformedDeadLetter,
  NoStreamForSubjectError,
  type ReplayReport,
} from '@jetbus/core';
import {
  entryView,
  formatEntries,
  formatEntry,
  formatReport,
  payloadView,
  reportView,
} from './format-dead-letters';

const bytes = (s: string) => new TextEncoder().encode(s);
const at = new Date('2026-03-01T10:00:00.000Z');

function record(data = '{"id":1}'): DeadLetterRecord {
  const encoded = bytes(data);
  return {
    kind: 'dead-letter',
    dlqSeq: 5,
    dlqSubject: 'dlq.orders.created',
    storedAt: at,
    data: encoded,
    text: () => data,
    json: <T>() => JSON.parse(data) as T,
    subject: 'orders.created',
    payload: { kind: 'inline' },
    completed: false,
    stream: 'ORDERS',
    seq: 42,
    consumer: 'orders_worker',
    attempts: 3,
    reason: 'error',
    errorClass: 'TypeError',
    errorMessage: 'gateway down',
    errorStack: 'at a (a.ts:1:1) | at b (b.ts:2:2)',
    failedAt: at,
    handler: 'OrderJobs.reserve',
    headers: { 'X-Tags': ['a', 'b'] },
  };
}

const malformed: MalformedDeadLetter = {
  kind: 'malformed',
  dlqSeq: 6,
  dlqSubject: 'dlq.mystery',
  storedAt: at,
  data: bytes('?'),
  text: () => '?',
  json: <T>() => JSON.parse('?') as T,
  problem: 'no subject',
  headers: { 'X-Origin': ['elsewhere'] },
};

describe('payloadView', () => {
  it('parses JSON', () => {
    expect(payloadView(bytes('{"a":[1]}'))).toEqual({ encoding: 'json', value: { a: [1] } });
  });

  it('keeps other UTF-8 as text', () => {
    expect(payloadView(bytes('héllo\nworld'))).toEqual({ encoding: 'text', value: 'héllo\nworld' });
  });

  it('shows invalid UTF-8 and control characters as base64', () => {
    expect(payloadView(new Uint8Array([0xff, 0xfe]))).toEqual({ encoding: 'base64', value: '//4=' });
    expect(payloadView(new Uint8Array([0x00, 0x41]))).toEqual({ encoding: 'base64', value: 'AEE=' });
  });
});

describe('entryView', () => {
  it('has no payload unless asked, and ISO dates', () => {
    expect(entryView(record())).toMatchObject({ dlqSeq: 5, failedAt: '2026-03-01T10:00:00.000Z', size: 8 });
    expect(entryView(record())).not.toHaveProperty('payload');
    expect(entryView(record(), true)).toMatchObject({ payload: { encoding: 'json', value: { id: 1 } } });
  });

  it('says what is wrong with a malformed entry', () => {
    expect(entryView(malformed)).toEqual({
      dlqSeq: 6,
      dlqSubject: 'dlq.mystery',
      storedAt: '2026-03-01T10:00:00.000Z',
      size: 1,
      malformed: 'no subject',
      headers: { 'X-Origin': ['elsewhere'] },
    });
  });
});

describe('formatEntries', () => {
  it('says so when there are none', () => {
    expect(formatEntries([])).toEqual(['no dead letters']);
  });

  it('clips long errors to the column', () => {
    const long = { ...record(), errorMessage: 'x'.repeat(200) };
    const row = formatEntries([long])[1];
    expect(row.endsWith('…')).toBe(true);
    expect(row.slice(row.indexOf('TypeError: '))).toHaveLength(80);
  });
});

describe('formatEntry', () => {
  it('prints every header value and the stack one frame a line', () => {
    const lines = formatEntry(record());
    expect(lines).toEqual(
      expect.arrayContaining(['  at a (a.ts:1:1)', '  at b (b.ts:2:2)', '  X-Tags: a', '  X-Tags: b']),
    );
    expect(lines.slice(-2)).toEqual(['payload (json, 8 bytes)', '{\n  "id": 1\n}']);
  });

  it('flags a malformed entry', () => {
    expect(formatEntry(malformed).slice(0, 2)).toEqual([
      'dead letter 6 (dlq.mystery, stored 2026-03-01T10:00:00.000Z)',
      'MALFORMED: no subject',
    ]);
  });
});

describe('formatReport and reportView', () => {
  const report: ReplayReport = {
    dryRun: false,
    aborted: true,
    replayed: [
      { dlqSeq: 3, subject: 'orders.created', stream: 'ORDERS', seq: 9, duplicate: true },
      { dlqSeq: 1, subject: 'orders.created', stream: 'ORDERS', seq: 8, duplicate: false },
    ],
    wouldReplay: [],
    skipped: [{ dlqSeq: 2, reason: 'malformed: no subject' }],
    failed: [{ dlqSeq: 4, subject: 'invoices.send', error: new NoStreamForSubjectError('invoices.send') }],
  };

  it('lists the outcomes in DLQ order, then the totals', () => {
    const lines = formatReport(report);
    expect(lines.slice(1, 5).map((l) => l.split(/ {2,}/).slice(0, 3))).toEqual([
      ['1', 'orders.created', 'replayed'],
      ['2', 'skipped', 'malformed: no subject'],
      ['3', 'orders.created', 'replayed'],
      ['4', 'invoices.send', 'failed'],
    ]);
    expect(lines[3]).toContain('ORDERS seq 9 (already stored by an earlier run)');
    expect(lines.slice(5)).toEqual([
      '',
      'replayed 2, skipped 1, failed 1',
      'interrupted: run the same command again to replay the rest',
    ]);
  });

  it('gives errors as name, code and message in JSON', () => {
    expect(reportView(report).failed).toEqual([
      {
        dlqSeq: 4,
        subject: 'invoices.send',
        error: {
          name: 'NoStreamForSubjectError',
          code: 'NO_STREAM_FOR_SUBJECT',
          message: new NoStreamForSubjectError('invoices.send').message,
        },
      },
    ]);
  });
});
