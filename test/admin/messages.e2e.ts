import { AckPolicy, RetentionPolicy } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { type ApiResponse, useAdmin } from '../support/use-admin';

interface MessageView {
  seq: number;
  subject: string;
  time: string;
  size: number;
  headers: [string, string][];
  payload: { format: string; text: string; truncated: boolean; bytes: number };
}

interface Page {
  messages: MessageView[];
  next: number | null;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('messages API', () => {
  // The metrics sampler would add JetStream API requests of its own to the counts read below.
  const t = useAdmin({ sampleIntervalMs: 3_600_000 });
  const viewer = () => t.api('viewer');
  const seqs = (page: Page) => page.messages.map((m) => m.seq);

  /** All pages of `path` (which has no `fromSeq`), following `next`. */
  async function allPages(path: string): Promise<number[][]> {
    const pages: number[][] = [];
    let from: number | null = 1;
    while (from !== null) {
      const res: ApiResponse<Page> = await viewer().get<Page>(
        `${path}${path.includes('?') ? '&' : '?'}fromSeq=${from}`,
      );
      expect(res.status).toBe(200);
      pages.push(seqs(res.body));
      from = res.body.next;
    }
    return pages;
  }

  beforeAll(async () => {
    await t.jsm.streams.add({ name: 'BROWSE', subjects: ['browse.>'] });
    await t.jsm.streams.add({ name: 'BROWSE_DIRECT', subjects: ['direct.>'], allow_direct: true });
    for (const [stream, prefix] of [
      ['BROWSE', 'browse'],
      ['BROWSE_DIRECT', 'direct'],
    ] as const) {
      // 1..10 alternate a/b; 4, 5 and 6 are deleted afterwards.
      for (let i = 1; i <= 10; i++)
        await t.js.publish(`${prefix}.${i % 2 ? 'a' : 'b'}`, JSON.stringify({ i }));
      for (const seq of [4, 5, 6]) await t.jsm.streams.deleteMessage(stream, seq);
    }
  });

  describe('who may call it', () => {
    it('is 401 without credentials', async () => {
      expect((await t.anonymous.get('/api/streams/BROWSE/messages')).status).toBe(401);
      expect((await t.anonymous.get('/api/streams/BROWSE/messages/1')).status).toBe(401);
    });

    it('is open to a viewer, the lowest role (so no role gets 403)', async () => {
      expect((await viewer().get('/api/streams/BROWSE/messages')).status).toBe(200);
      expect((await viewer().get('/api/streams/BROWSE/messages/1')).status).toBe(200);
    });
  });

  describe('bad input', () => {
    const bad: [string, string][] = [
      ['fromSeq=0', 'fromSeq must not be less than 1'],
      ['fromSeq=x', 'fromSeq must be an integer number'],
      ['fromSeq=1e20', 'fromSeq must not be greater than 9007199254740991'],
      ['toSeq=1e20', 'toSeq must not be greater than 9007199254740991'],
      ['toSeq=1.5', 'toSeq must be an integer number'],
      ['since=yesterday', 'since must be an ISO-8601 time, e.g. 2026-01-31T12:00:00Z'],
      ['subject=a%20b', 'subject must be a subject (dot-separated tokens, no whitespace)'],
      ['subject=a..b', 'subject must be a subject (dot-separated tokens, no whitespace)'],
      ['limit=0', 'limit must not be less than 1'],
      ['limit=201', 'limit must not be greater than 200'],
      ['format=html', 'format must be one of the following values: json, text, hex'],
      ['page=2', 'property page should not exist'],
    ];

    it.each(bad)('is 400 for %s, naming the parameter', async (query, message) => {
      const res = await viewer().get<{ message: string[] }>(`/api/streams/BROWSE/messages?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.message).toContain(message);
    });

    it('is 400 when fromSeq is past toSeq', async () => {
      const res = await viewer().get('/api/streams/BROWSE/messages?fromSeq=5&toSeq=4');
      expect([res.status, res.body]).toMatchObject([
        400,
        { message: 'fromSeq must not be greater than toSeq' },
      ]);
    });

    it('is 400 for a bad sequence or format on one message', async () => {
      const seq = await viewer().get<{ message: string[] }>('/api/streams/BROWSE/messages/abc');
      expect([seq.status, seq.body.message]).toEqual([
        400,
        [
          'seq must not be greater than 9007199254740991',
          'seq must not be less than 1',
          'seq must be an integer number',
        ],
      ]);
      const format = await viewer().get<{ message: string[] }>('/api/streams/BROWSE/messages/1?format=xml');
      expect([format.status, format.body.message]).toEqual([
        400,
        ['format must be one of the following values: json, text, hex'],
      ]);
    });

    it('is 404 for a stream that does not exist', async () => {
      expect((await viewer().get('/api/streams/NOPE/messages')).status).toBe(404);
      expect((await viewer().get('/api/streams/NOPE/messages/1')).status).toBe(404);
    });
  });

  describe.each([
    ['STREAM.MSG.GET', 'BROWSE', 'browse'],
    ['DIRECT.GET', 'BROWSE_DIRECT', 'direct'],
  ])('paging with %s', (_api, stream, prefix) => {
    const path = `/api/streams/${stream}/messages`;

    it('returns the first page with the sequence of the next message', async () => {
      const res = await viewer().get<Page>(`${path}?limit=3`);
      expect(res.status).toBe(200);
      expect(seqs(res.body)).toEqual([1, 2, 3]);
      expect(res.body.next).toBe(7);
      expect(res.body.messages[0]).toEqual({
        seq: 1,
        subject: `${prefix}.a`,
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        size: 7,
        headers: [],
        payload: { format: 'json', text: '{\n  "i": 1\n}', truncated: false, bytes: 7 },
      });
    });

    it('skips the interior deletes, across pages, ending with next null', async () => {
      expect(await allPages(`${path}?limit=3`)).toEqual([[1, 2, 3], [7, 8, 9], [10]]);
      expect(await allPages(`${path}?limit=10`)).toEqual([[1, 2, 3, 7, 8, 9, 10]]);
    });

    it('pages one subject only', async () => {
      expect(await allPages(`${path}?limit=2&subject=${prefix}.b`)).toEqual([[2, 8], [10]]);
      const res = await viewer().get<Page>(`${path}?subject=${prefix}.*`);
      expect(seqs(res.body)).toEqual([1, 2, 3, 7, 8, 9, 10]);
    });

    it('stops at toSeq', async () => {
      const res = await viewer().get<Page>(`${path}?fromSeq=2&toSeq=8`);
      expect([seqs(res.body), res.body.next]).toEqual([[2, 3, 7, 8], null]);
      const cut = await viewer().get<Page>(`${path}?fromSeq=2&toSeq=8&limit=3`);
      expect([seqs(cut.body), cut.body.next]).toEqual([[2, 3, 7], 8]);
    });

    it('is an empty page past the end', async () => {
      const res = await viewer().get<Page>(`${path}?fromSeq=11`);
      expect(res.body).toEqual({ messages: [], next: null });
    });

    it('reads one message, 404 for a deleted or never written one', async () => {
      const one = await viewer().get<MessageView>(`${path}/7?format=text`);
      expect([one.status, one.body.seq, one.body.subject, one.body.payload]).toEqual([
        200,
        7,
        `${prefix}.a`,
        { format: 'text', text: '{"i":7}', truncated: false, bytes: 7 },
      ]);
      const deleted = await viewer().get(`${path}/5`);
      expect([deleted.status, deleted.body]).toMatchObject([
        404,
        { message: `message 5 is not stored in stream ${stream}` },
      ]);
      expect((await viewer().get(`${path}/99`)).status).toBe(404);
    });
  });

  describe('a gap of thousands of deleted sequences', () => {
    beforeAll(async () => {
      await t.jsm.streams.add({ name: 'GAPPY', subjects: ['gappy.*'] });
      await t.js.publish('gappy.first', 'first');
      const pending = [];
      for (let i = 0; i < 5_000; i++) pending.push(t.js.publish('gappy.bulk', 'x'));
      await Promise.all(pending);
      await t.js.publish('gappy.last', 'last');
      await t.jsm.streams.purge('GAPPY', { filter: 'gappy.bulk' });
    });

    it('crosses it with one request, not one per missing sequence', async () => {
      const before = (await t.jsm.getAccountInfo()).api.total;
      const res = await viewer().get<Page>('/api/streams/GAPPY/messages');
      const after = (await t.jsm.getAccountInfo()).api.total;
      expect([seqs(res.body), res.body.next]).toEqual([[1, 5_002], null]);
      // The server's count of JetStream API requests: a handful (stream info, a get per message
      // found and one finding none), where a walk sequence by sequence would make over 5,000.
      expect(after - before).toBeLessThanOrEqual(5);
    });
  });

  describe('paging by time', () => {
    let times: string[] = [];

    beforeAll(async () => {
      await t.jsm.streams.add({ name: 'TIMED', subjects: ['timed.*'] });
      for (let i = 1; i <= 3; i++) await t.js.publish('timed.early', `early ${i}`);
      // A clear gap between the two batches, so a millisecond time falls between them.
      await sleep(50);
      for (let i = 1; i <= 4; i++) await t.js.publish(i % 2 ? 'timed.x' : 'timed.y', `late ${i}`);
      const res = await viewer().get<Page>('/api/streams/TIMED/messages');
      times = res.body.messages.map((m) => m.time);
    });

    it('starts at the first message stored at or after since, exactly', async () => {
      const res = await viewer().get<Page>(`/api/streams/TIMED/messages?since=${times[3]}`);
      expect([seqs(res.body), res.body.next]).toEqual([[4, 5, 6, 7], null]);
      const between = new Date(Date.parse(times[2] ?? '') + 1).toISOString();
      const later = await viewer().get<Page>(`/api/streams/TIMED/messages?since=${between}&limit=2`);
      expect([seqs(later.body), later.body.next]).toEqual([[4, 5], 6]);
      const next = await viewer().get<Page>(`/api/streams/TIMED/messages?since=${between}&fromSeq=6`);
      expect([seqs(next.body), next.body.next]).toEqual([[6, 7], null]);
    });

    it('combines since with a subject', async () => {
      const res = await viewer().get<Page>(`/api/streams/TIMED/messages?since=${times[3]}&subject=timed.y`);
      expect([seqs(res.body), res.body.next]).toEqual([[5, 7], null]);
      const none = await viewer().get<Page>(
        `/api/streams/TIMED/messages?since=${times[3]}&subject=timed.early`,
      );
      expect(none.body).toEqual({ messages: [], next: null });
    });

    it('is everything from a time before the first message, and nothing after the last', async () => {
      const all = await viewer().get<Page>('/api/streams/TIMED/messages?since=2000-01-01T00:00:00Z');
      expect(seqs(all.body)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      const future = await viewer().get<Page>('/api/streams/TIMED/messages?since=2999-01-01T00:00:00Z');
      expect(future.body).toEqual({ messages: [], next: null });
    });

    it('creates no consumer', async () => {
      expect((await t.jsm.streams.info('TIMED')).state.consumer_count).toBe(0);
    });

    it('works on a work-queue stream with a consumer and interior gaps', async () => {
      await t.jsm.streams.add({
        name: 'TIMED_WQ',
        subjects: ['timedwq.*'],
        retention: RetentionPolicy.Workqueue,
      });
      await t.jsm.consumers.add('TIMED_WQ', { durable_name: 'jobs', ack_policy: AckPolicy.Explicit });
      for (let i = 1; i <= 20; i++) await t.js.publish('timedwq.a', `early ${i}`);
      await sleep(50);
      for (let i = 1; i <= 20; i++) await t.js.publish('timedwq.b', `late ${i}`);
      // Work done: every other early job and late job 21, 23, ... leave the stream.
      for (let seq = 1; seq <= 40; seq += 2) await t.jsm.streams.deleteMessage('TIMED_WQ', seq);
      const firstLate = (await t.jsm.streams.getMessage('TIMED_WQ', { seq: 22 }))?.time.toISOString();
      const res = await viewer().get<Page>(`/api/streams/TIMED_WQ/messages?since=${firstLate}&limit=3`);
      expect([seqs(res.body), res.body.next]).toEqual([[22, 24, 26], 28]);
      expect((await t.jsm.streams.info('TIMED_WQ')).state.consumer_count).toBe(1);
    });
  });

  describe('hostile subjects, headers and payloads', () => {
    const published: Record<string, number> = {};

    beforeAll(async () => {
      await t.jsm.streams.add({ name: 'HOSTILE', subjects: ['hostile.>'] });
      const h = natsHeaders();
      h.append('X-Evil', '<img src=x onerror=alert(1)>');
      h.append('X-Evil', 'second \u001b[2J value');
      h.append('X-Bidi', 'abc\u202edef');
      const publish = async (key: string, subject: string, data: Uint8Array | string, headers = h) => {
        published[key] = (await t.js.publish(subject, data, { headers })).seq;
      };
      await publish('script', 'hostile.script', '<script>alert(1)</script>');
      await publish('esc', 'hostile.esc\u001b[31m', 'red \u001b[31mTEXT\u001b[0m\r\n\u009b2J');
      await publish('invalid', 'hostile.invalid', Uint8Array.from([0x61, 0xff, 0xfe, 0x62, 0xc3]));
      await publish('binary', 'hostile.binary', Uint8Array.from([0, 1, 2, 0x3c, 0x3e, 0x7f, 0x80, 0xff]));
      await publish(
        'json',
        'hostile.json',
        '{"html":"<b>hi</b>","esc":"\\u001b[31m","big":12345678901234567890}',
      );
      await publish('huge', 'hostile.huge', 'z'.repeat(300 * 1024));
    });

    const one = async (key: string, format = 'json') =>
      (await viewer().get<MessageView>(`/api/streams/HOSTILE/messages/${published[key]}?format=${format}`))
        .body;

    it('returns a script payload as a JSON string, never as HTML', async () => {
      const res = await viewer().get<MessageView>(`/api/streams/HOSTILE/messages/${published.script}`);
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(res.body.payload).toEqual({
        format: 'text',
        text: '<script>alert(1)</script>',
        truncated: false,
        bytes: 25,
      });
      expect(res.text).toContain('"text":"<script>alert(1)</script>"');
    });

    it('keeps multi-valued headers and escapes their control characters', async () => {
      expect((await one('script')).headers).toEqual([
        ['X-Evil', '<img src=x onerror=alert(1)>'],
        ['X-Evil', 'second \\u001b[2J value'],
        ['X-Bidi', 'abc\\u202edef'],
      ]);
    });

    it('escapes ESC, CR and C1 in subjects and payloads', async () => {
      const view = await one('esc');
      expect(view.subject).toBe('hostile.esc\\u001b[31m');
      expect(view.payload).toEqual({
        format: 'text',
        text: 'red \\u001b[31mTEXT\\u001b[0m\\u000d\n\\u009b2J',
        truncated: false,
        // U+009B is two bytes in UTF-8.
        bytes: 23,
      });
    });

    it('shows invalid UTF-8 byte by byte, and binary as a hex dump when asked', async () => {
      expect((await one('invalid')).payload.text).toBe('a\\xff\\xfeb\\xc3');
      expect((await one('binary')).payload.text).toBe('\\u0000\\u0001\\u0002<>\\u007f\\x80\\xff');
      expect((await one('binary', 'hex')).payload).toEqual({
        format: 'hex',
        text: '00000000  00 01 02 3c 3e 7f 80 ff                           |...<>...|',
        truncated: false,
        bytes: 8,
      });
    });

    it('pretty-prints JSON keeping its escapes and every digit', async () => {
      expect((await one('json')).payload.text).toBe(
        '{\n  "html": "<b>hi</b>",\n  "esc": "\\u001b[31m",\n  "big": 12345678901234567890\n}',
      );
    });

    it('cuts a view over 256 KiB and says so', async () => {
      const view = await one('huge', 'text');
      expect([view.size, view.payload.bytes, view.payload.text.length, view.payload.truncated]).toEqual([
        300 * 1024,
        300 * 1024,
        256 * 1024,
        true,
      ]);
    });

    it('escapes the same way in a page', async () => {
      const res = await viewer().get<Page>(
        `/api/streams/HOSTILE/messages?subject=${encodeURIComponent('hostile.esc\u001b[31m')}`,
      );
      expect(res.body.messages.map((m) => m.subject)).toEqual(['hostile.esc\\u001b[31m']);
    });
  });
});
