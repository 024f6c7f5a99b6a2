import { type JetStreamManager } from '@nats-io/jetstream';
import { type AuditEntry } from '@jetbus/admin';
import { type ApiClient, useAdmin } from '../support/use-admin';

/** The latest audit entry of `action`, read straight from the audit stream (not through the app). */
async function lastAudit(jsm: JetStreamManager, action: string): Promise<AuditEntry | undefined> {
  const msg = await jsm.streams.getMessage('JETBUS_AUDIT', { last_by_subj: `jetbus.audit.${action}` });
  return msg?.json<AuditEntry>();
}

const HOUR_NS = 3_600 * 1e9;

describe('streams API', () => {
  const t = useAdmin();

  describe('who may call it', () => {
    type Method = 'get' | 'post' | 'patch' | 'delete';
    const send = (client: ApiClient, method: Method, path: string, body?: unknown) =>
      method === 'get' ? client.get(path) : client[method](path, body);
    // Every row has a body slot: jest passes a `done` callback to a test with more parameters than its row.
    const calls: [Method, string, unknown][] = [
      ['get', '/api/streams', undefined],
      ['get', '/api/streams/JETBUS_AUDIT', undefined],
      ['post', '/api/streams', { name: 'X', subjects: ['x'] }],
      ['patch', '/api/streams/X', { description: 'x' }],
      ['post', '/api/streams/X/purge', {}],
      ['delete', '/api/streams/X', undefined],
    ];

    it.each(calls)('%s %s without credentials is 401', async (method, path, body) => {
      const res = await send(t.anonymous, method, path, body);
      expect(res.status).toBe(401);
    });

    it.each(calls.slice(2))('%s %s needs admin: 403 for viewer and operator', async (method, path, body) => {
      for (const role of ['viewer', 'operator'] as const) {
        const res = await send(t.api(role), method, path, body);
        expect([role, res.status]).toEqual([role, 403]);
      }
    });
  });

  describe('GET /api/streams', () => {
    beforeAll(async () => {
      await t.jsm.streams.add({ name: 'LIST_ME', subjects: ['list.>'], description: 'listed' });
      await t.jsm.streams.add({ name: 'JETBUS_DLQ', subjects: ['dlq.list.>'] });
      await t.js.publish('list.a', 'one');
      await t.js.publish('list.b', 'two');
    });

    it('lists every stream with its figures, flagging the dead-letter and audit streams', async () => {
      const res = await t.api('viewer').get<{ streams: Record<string, unknown>[] }>('/api/streams');
      expect(res.status).toBe(200);
      const info = await t.jsm.streams.info('LIST_ME');
      const row = res.body.streams.find((s) => s.name === 'LIST_ME');
      expect(row).toEqual({
        name: 'LIST_ME',
        subjects: ['list.>'],
        retention: 'limits',
        storage: 'file',
        replicas: 1,
        messages: 2,
        bytes: info.state.bytes,
        firstSeq: 1,
        lastSeq: 2,
        firstTime: new Date(info.state.first_ts).toISOString(),
        lastTime: new Date(info.state.last_ts).toISOString(),
        consumers: 0,
        created: new Date(info.created).toISOString(),
        deadLetter: false,
        audit: false,
      });
      const flags = Object.fromEntries(res.body.streams.map((s) => [s.name, [s.deadLetter, s.audit]]));
      expect(flags.JETBUS_DLQ).toEqual([true, false]);
      expect(flags.JETBUS_AUDIT).toEqual([false, true]);
      const names = res.body.streams.map((s) => s.name as string);
      expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
    });

    it('shows an empty stream with null times', async () => {
      await t.jsm.streams.add({ name: 'EMPTY_ONE', subjects: ['empty.one'] });
      const res = await t.api('viewer').get<{ streams: Record<string, unknown>[] }>('/api/streams');
      const row = res.body.streams.find((s) => s.name === 'EMPTY_ONE');
      expect([row?.messages, row?.firstTime, row?.lastTime]).toEqual([0, null, null]);
    });
  });

  describe('GET /api/streams/:name', () => {
    it('returns the config and state the server reports', async () => {
      const res = await t
        .api('viewer')
        .get<{ config: { name: string }; state: { messages: number } }>('/api/streams/LIST_ME');
      expect(res.status).toBe(200);
      expect(res.body.config.name).toBe('LIST_ME');
      expect(res.body.state.messages).toBe(2);
    });

    it('is 404 for a stream that does not exist', async () => {
      const res = await t.api('viewer').get('/api/streams/NOPE');
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ statusCode: 404, error: 'NOT_FOUND', message: 'stream not found' });
    });

    it('is 400 for a name no stream can have', async () => {
      const res = await t.api('viewer').get<{ message: string[] }>('/api/streams/a.b');
      expect(res.status).toBe(400);
      expect(res.body.message).toEqual([
        'name must be 1-255 characters without whitespace, ".", "*", ">", "/" or "\\"',
      ]);
    });
  });

  describe('POST /api/streams', () => {
    it('creates a stream from every field (201), durations as strings or milliseconds, and audits it', async () => {
      const res = await t.api('admin').post<{ config: Record<string, unknown> }>('/api/streams', {
        name: 'CREATED',
        subjects: ['created.>', 'made.*'],
        retention: 'workqueue',
        storage: 'memory',
        replicas: 1,
        maxAge: '1h',
        maxMsgs: 1000,
        maxBytes: 1_048_576,
        maxMsgSize: 4096,
        duplicateWindow: 120_000,
        discard: 'new',
        description: 'made by the admin API',
      });
      expect(res.status).toBe(201);
      const { config } = await t.jsm.streams.info('CREATED');
      expect(config).toMatchObject({
        name: 'CREATED',
        subjects: ['created.>', 'made.*'],
        retention: 'workqueue',
        storage: 'memory',
        num_replicas: 1,
        max_age: HOUR_NS,
        max_msgs: 1000,
        max_bytes: 1_048_576,
        max_msg_size: 4096,
        duplicate_window: 120 * 1e9,
        discard: 'new',
        description: 'made by the admin API',
      });
      expect(res.body.config).toMatchObject({ name: 'CREATED', max_age: HOUR_NS });
      const entry = await lastAudit(t.jsm, 'stream.create');
      expect(entry).toMatchObject({
        actor: 'admin-token',
        role: 'admin',
        via: 'token',
        action: 'stream.create',
        target: 'CREATED',
        result: 'ok',
        after: {
          name: 'CREATED',
          subjects: ['created.>', 'made.*'],
          retention: 'workqueue',
          max_age: HOUR_NS,
          duplicate_window: 120 * 1e9,
        },
      });
    });

    it('applies the server defaults to what is left out', async () => {
      const res = await t.api('admin').post('/api/streams', { name: 'MINIMAL', subjects: ['minimal'] });
      expect(res.status).toBe(201);
      const { config } = await t.jsm.streams.info('MINIMAL');
      expect(config).toMatchObject({ retention: 'limits', storage: 'file', max_age: 0, discard: 'old' });
    });

    const bad: [string, Record<string, unknown>, string][] = [
      [
        'name',
        { name: 'a b' },
        'name must be 1-255 characters without whitespace, ".", "*", ">", "/" or "\\"',
      ],
      [
        'name missing',
        { name: undefined },
        'name must be 1-255 characters without whitespace, ".", "*", ">", "/" or "\\"',
      ],
      ['subjects missing', { subjects: undefined }, 'subjects should not be empty'],
      ['subjects empty', { subjects: [] }, 'subjects should not be empty'],
      [
        'subjects',
        { subjects: ['a b'] },
        'each value in subjects must be a subject (dot-separated tokens, no whitespace)',
      ],
      ...['$SYS.>', '$KV.JETBUS_ATTEMPTS.>', '_INBOX.>', '_INBOX_api.>', '>'].map(
        (subject): [string, Record<string, unknown>, string] => [
          `subject ${subject}`,
          { subjects: ['bad', subject] },
          'each value in subjects must not capture system subjects ($…), reply inboxes (_INBOX…) or every subject (>)',
        ],
      ),
      [
        'retention',
        { retention: 'forever' },
        'retention must be one of the following values: limits, interest, workqueue',
      ],
      ['storage', { storage: 'tape' }, 'storage must be one of the following values: file, memory'],
      ['replicas', { replicas: 0 }, 'replicas must not be less than 1'],
      [
        'maxAge',
        { maxAge: 'soon' },
        'maxAge must be milliseconds or a duration like "500ms", "2s", "1m", "1h"',
      ],
      ['maxMsgs', { maxMsgs: -2 }, 'maxMsgs must not be less than -1'],
      ['maxBytes', { maxBytes: 1.5 }, 'maxBytes must be an integer number'],
      ['maxMsgSize', { maxMsgSize: '4k' }, 'maxMsgSize must be an integer number'],
      [
        'duplicateWindow',
        { duplicateWindow: -1 },
        'duplicateWindow must be milliseconds or a duration like "500ms", "2s", "1m", "1h"',
      ],
      ['discard', { discard: 'all' }, 'discard must be one of the following values: old, new'],
      ['description', { description: 42 }, 'description must be a string'],
      ['an unknown field', { maxAgeMs: 5 }, 'property maxAgeMs should not exist'],
    ];

    it.each(bad)('is 400 for a bad %s, naming it', async (_field, change, message) => {
      const res = await t
        .api('admin')
        .post<{ message: string[] }>('/api/streams', { name: 'BAD', subjects: ['bad'], ...change });
      expect(res.status).toBe(400);
      expect(res.body.message).toContain(message);
      await expect(t.jsm.streams.info('BAD')).rejects.toThrow('stream not found');
    });

    it("is 400 with the server's message for a config the server refuses", async () => {
      const res = await t.api('admin').post('/api/streams', {
        name: 'REFUSED',
        subjects: ['refused'],
        maxAge: '1m',
        duplicateWindow: '2m',
      });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        statusCode: 400,
        message: 'duplicates window can not be larger then max age',
      });
    });

    it('is 409 when the stream exists with another config, or its subjects overlap another stream', async () => {
      const other = await t
        .api('admin')
        .post('/api/streams', { name: 'MINIMAL', subjects: ['minimal.other'] });
      expect(other.status).toBe(409);
      const overlap = await t.api('admin').post('/api/streams', { name: 'OVERLAP', subjects: ['minimal'] });
      expect(overlap.status).toBe(409);
      expect(await lastAudit(t.jsm, 'stream.create')).toMatchObject({
        target: 'OVERLAP',
        result: 'error',
        error: expect.stringContaining('overlap'),
      });
    });
  });

  describe('PATCH /api/streams/:name', () => {
    beforeAll(async () => {
      await t.jsm.streams.add({ name: 'PATCHED', subjects: ['patched'], max_msgs: 10 });
    });

    it('changes only the given fields and audits the config before and after', async () => {
      const res = await t.api('admin').patch<{ config: Record<string, unknown> }>('/api/streams/PATCHED', {
        description: 'now described',
        maxAge: 7_200_000,
      });
      expect(res.status).toBe(200);
      expect(res.body.config).toMatchObject({
        name: 'PATCHED',
        subjects: ['patched'],
        max_msgs: 10,
        max_age: 2 * HOUR_NS,
        description: 'now described',
      });
      const entry = await lastAudit(t.jsm, 'stream.update');
      expect(entry).toMatchObject({ action: 'stream.update', target: 'PATCHED', result: 'ok' });
      expect(entry?.before).toMatchObject({ name: 'PATCHED', max_msgs: 10, max_age: 0 });
      expect(entry?.before).not.toHaveProperty('description');
      expect(entry?.after).toMatchObject({
        name: 'PATCHED',
        max_msgs: 10,
        max_age: 2 * HOUR_NS,
        description: 'now described',
      });
    });

    it('is 400 without any field, with a bad field, or with the name', async () => {
      const empty = await t.api('admin').patch('/api/streams/PATCHED', {});
      expect([empty.status, empty.body]).toMatchObject([
        400,
        { message: 'nothing to update: set at least one field' },
      ]);
      const bad = await t
        .api('admin')
        .patch<{ message: string[] }>('/api/streams/PATCHED', { maxMsgs: 'many' });
      expect([bad.status, bad.body.message]).toEqual([
        400,
        [
          'maxMsgs must not be greater than 9007199254740991',
          'maxMsgs must not be less than -1',
          'maxMsgs must be an integer number',
        ],
      ]);
      const rename = await t
        .api('admin')
        .patch<{ message: string[] }>('/api/streams/PATCHED', { name: 'OTHER' });
      expect([rename.status, rename.body.message]).toEqual([400, ['property name should not exist']]);
    });

    it("is 400 with the server's message for a change the server refuses", async () => {
      const res = await t.api('admin').patch('/api/streams/PATCHED', { storage: 'memory' });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ message: expect.stringContaining('storage') });
    });

    it('is 404 for a stream that does not exist', async () => {
      expect((await t.api('admin').patch('/api/streams/NOPE', { description: 'x' })).status).toBe(404);
    });

    it('is 409 for the audit stream, and the refusal is itself audited', async () => {
      const res = await t.api('admin').patch('/api/streams/JETBUS_AUDIT', { maxAge: '1d' });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({
        message: 'JETBUS_AUDIT is the audit stream: it cannot be updated through the admin app',
      });
      expect(await lastAudit(t.jsm, 'stream.update')).toMatchObject({
        target: 'JETBUS_AUDIT',
        result: 'error',
        error: 'JETBUS_AUDIT is the audit stream: it cannot be updated through the admin app',
      });
      expect((await t.jsm.streams.info('JETBUS_AUDIT')).config.max_age).toBe(365 * 24 * HOUR_NS);
    });
  });

  describe('POST /api/streams/:name/purge', () => {
    beforeEach(async () => {
      await t.jsm.streams.add({ name: 'PURGED', subjects: ['purged.*'] });
      await t.jsm.streams.purge('PURGED');
      for (let i = 0; i < 4; i++) await t.js.publish('purged.a', `a${i}`);
      for (let i = 0; i < 3; i++) await t.js.publish('purged.b', `b${i}`);
    });

    it('purges everything and audits the count', async () => {
      const res = await t.api('admin').post('/api/streams/PURGED/purge', {});
      expect([res.status, res.body]).toEqual([200, { purged: 7 }]);
      expect((await t.jsm.streams.info('PURGED')).state.messages).toBe(0);
      expect(await lastAudit(t.jsm, 'stream.purge')).toMatchObject({
        target: 'PURGED',
        result: 'ok',
        outcome: { purged: 7 },
      });
    });

    it('purges one subject, keeping the newest, and audits the filter', async () => {
      const res = await t.api('admin').post('/api/streams/PURGED/purge', { subject: 'purged.a', keep: 1 });
      expect([res.status, res.body]).toEqual([200, { purged: 3 }]);
      const last = await t.jsm.streams.getMessage('PURGED', { last_by_subj: 'purged.a' });
      expect(last?.string()).toBe('a3');
      expect((await t.jsm.streams.info('PURGED')).state.messages).toBe(4);
      expect(await lastAudit(t.jsm, 'stream.purge')).toMatchObject({
        target: 'PURGED',
        filter: { filter: 'purged.a', keep: 1 },
        outcome: { purged: 3 },
      });
    });

    it('is 400 for a bad subject or keep', async () => {
      const subject = await t
        .api('admin')
        .post<{ message: string[] }>('/api/streams/PURGED/purge', { subject: 'a b' });
      expect([subject.status, subject.body.message]).toEqual([
        400,
        ['subject must be a subject (dot-separated tokens, no whitespace)'],
      ]);
      const keep = await t
        .api('admin')
        .post<{ message: string[] }>('/api/streams/PURGED/purge', { keep: -1 });
      expect([keep.status, keep.body.message]).toEqual([400, ['keep must not be less than 0']]);
    });

    it('is 404 for a stream that does not exist', async () => {
      expect((await t.api('admin').post('/api/streams/NOPE/purge', {})).status).toBe(404);
    });

    it('is 409 for the audit stream, audited', async () => {
      const before = (await t.jsm.streams.info('JETBUS_AUDIT')).state.messages;
      const res = await t.api('admin').post('/api/streams/JETBUS_AUDIT/purge', {});
      expect(res.status).toBe(409);
      const { state } = await t.jsm.streams.info('JETBUS_AUDIT');
      expect(state.messages).toBe(before + 1);
      expect(await lastAudit(t.jsm, 'stream.purge')).toMatchObject({
        target: 'JETBUS_AUDIT',
        result: 'error',
      });
    });
  });

  describe('DELETE /api/streams/:name', () => {
    it('deletes a stream and audits it', async () => {
      await t.jsm.streams.add({ name: 'DOOMED', subjects: ['doomed'] });
      const res = await t.api('admin').delete('/api/streams/DOOMED');
      expect([res.status, res.body]).toEqual([200, { deleted: true }]);
      expect((await t.api('viewer').get('/api/streams/DOOMED')).status).toBe(404);
      expect(await lastAudit(t.jsm, 'stream.delete')).toMatchObject({
        actor: 'admin-token',
        target: 'DOOMED',
        result: 'ok',
      });
    });

    it('is 404 for a stream that does not exist', async () => {
      expect((await t.api('admin').delete('/api/streams/NOPE')).status).toBe(404);
    });

    it('needs ?confirm=<name> for the dead-letter stream (400 otherwise)', async () => {
      await t.jsm.streams.add({ name: 'JETBUS_DLQ', subjects: ['dlq.list.>'] });
      const none = await t.api('admin').delete('/api/streams/JETBUS_DLQ');
      expect([none.status, none.body]).toMatchObject([
        400,
        { message: 'JETBUS_DLQ is the dead-letter stream: add ?confirm=JETBUS_DLQ to delete it' },
      ]);
      expect((await t.api('admin').delete('/api/streams/JETBUS_DLQ?confirm=jetbus_dlq')).status).toBe(400);
      expect(await lastAudit(t.jsm, 'stream.delete')).toMatchObject({
        target: 'JETBUS_DLQ',
        result: 'error',
      });
      await t.jsm.streams.info('JETBUS_DLQ');
      const confirmed = await t.api('admin').delete('/api/streams/JETBUS_DLQ?confirm=JETBUS_DLQ');
      expect([confirmed.status, confirmed.body]).toEqual([200, { deleted: true }]);
    });

    it('is 400 for an unknown query parameter', async () => {
      const res = await t.api('admin').delete<{ message: string[] }>('/api/streams/X?force=1');
      expect([res.status, res.body.message]).toEqual([400, ['property force should not exist']]);
    });

    it('is 409 for the audit stream, even for an admin, audited', async () => {
      const res = await t.api('admin').delete('/api/streams/JETBUS_AUDIT?confirm=JETBUS_AUDIT');
      expect(res.status).toBe(409);
      await t.jsm.streams.info('JETBUS_AUDIT');
      expect(await lastAudit(t.jsm, 'stream.delete')).toMatchObject({
        target: 'JETBUS_AUDIT',
        result: 'error',
      });
    });
  });
});
