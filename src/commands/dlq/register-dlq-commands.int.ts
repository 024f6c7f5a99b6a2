import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection, connect, headers as natsHeaders } from '@nats-io/transport-node';
import { DeadLetterHeaders as H, deadLetterMsgId } from '@jetbus/core';
import { NatsServer } from '@jetbus/testing';

// Each command is a child process that compiles the sources on load (about a second).
jest.setTimeout(60_000);

const CLI = [
  '-r',
  join(__dirname, '..', '..', '..', 'scripts', 'register-ts.js'),
  join(__dirname, '..', '..', 'main.ts'),
];
/**
 * The commands through commander itself, in a child process (the real src/main.ts, TypeScript compiled on load by scripts/register-ts.js: commander 15 is an
 * ES module that Jest's CommonJS runtime cannot load), against a real
 * server: arguments, options, human and --json output, exit codes.
 */
function jetbus(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...CLI, 'dlq', ...args], { timeout: 30_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** A dead letter as the wire contract says; resolves with its DLQ sequence. */
async function writeDeadLetter(
  js: JetStreamClient,
  subject: string,
  seq: number,
  fields: Partial<Record<keyof typeof H, string>>,
  data: string,
  extra: Record<string, string> = {},
): Promise<number> {
  const h = natsHeaders();
  for (const [k, v] of Object.entries(extra)) h.set(k, v);
  h.set(H.Subject, subject);
  h.set(H.Stream, 'ORDERS');
  h.set(H.Seq, String(seq));
  h.set(H.Consumer, 'orders_worker');
  h.set(H.Attempts, '1');
  h.set(H.FailedAt, '2026-03-01T10:00:00.000Z');
  for (const [key, v] of Object.entries(fields)) h.set(H[key as keyof typeof H], v);
  const ack = await js.publish(`dlq.${subject}`, new TextEncoder().encode(data), {
    msgID: deadLetterMsgId('ORDERS', seq),
    headers: h,
  });
  return ack.seq;
}

describe('registerDlqCommands', () => {
  let server: NatsServer;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let s: string;
  const dlqSeqs = async () => {
    const { state } = await jsm.streams.info('JETBUS_DLQ');
    const out: number[] = [];
    for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq++)
      if (await jsm.streams.getMessage('JETBUS_DLQ', { seq })) out.push(seq);
    return out;
  };

  beforeAll(async () => {
    server = await NatsServer.start();
    s = server.url;
    nc = await connect({ servers: s });
    jsm = await jetstreamManager(nc);
    const js = jetstream(nc);
    await jsm.streams.add({ name: 'ORDERS', subjects: ['orders.>'] });
    await jsm.streams.add({ name: 'JETBUS_DLQ', subjects: ['dlq.>'] });
    await writeDeadLetter(
      js,
      'orders.created',
      1,
      {
        Reason: 'error',
        ErrorClass: 'TypeError',
        ErrorMessage: 'gateway down',
        ErrorStack: 'at charge (pay.ts:1:2) | at run (runner.ts:3:4)',
        Handler: 'OrderJobs.reserve',
      },
      '{"id":"o-1","items":[1]}',
      { 'X-Tenant': 'acme' },
    );
    await writeDeadLetter(
      js,
      'orders.cancelled',
      2,
      { Reason: 'validation', ErrorClass: 'InvalidPayloadError', ErrorMessage: 'id: must be a string' },
      '{"id":2}',
    );
    await writeDeadLetter(
      js,
      'invoices.send',
      3,
      { Reason: 'error', ErrorClass: 'Error', ErrorMessage: 'smtp' },
      'plain text',
    );
    await js.publish('dlq.mystery', new TextEncoder().encode('?'));
  });
  afterAll(async () => {
    await nc?.close();
    await server?.stop();
  });

  it('ls: a table by default, filters, --json, and bad options', async () => {
    // Read-only, so at once.
    const [all, filtered, badSince] = await Promise.all([
      jetbus('ls', '-s', s),
      jetbus('ls', '-s', s, '--subject', 'orders.*', '--error', 'GATEWAY', '--json'),
      jetbus('ls', '-s', s, '--since', 'last tuesday'),
    ]);
    expect(all).toMatchObject({ code: 0, stderr: '' });
    expect(all.stdout.split('\n')).toEqual([
      expect.stringMatching(/^DLQ SEQ +FAILED AT +SUBJECT +CONSUMER +ATTEMPTS +REASON +ERROR$/),
      expect.stringMatching(
        /^1 +2026-03-01T10:00:00\.000Z +orders\.created +orders_worker +1 +error +TypeError: gateway down$/,
      ),
      expect.stringMatching(
        /^2 .* orders\.cancelled .* validation +InvalidPayloadError: id: must be a string$/,
      ),
      expect.stringMatching(/^3 .* invoices\.send .* error +Error: smtp$/),
      expect.stringMatching(
        /^4 +\S+ +malformed +no Jetbus-Dlq-Subject header: the original subject is unknown$/,
      ),
      '',
    ]);

    expect(filtered.code).toBe(0);
    expect(JSON.parse(filtered.stdout)).toEqual([
      expect.objectContaining({ dlqSeq: 1, subject: 'orders.created', headers: { 'X-Tenant': ['acme'] } }),
    ]);

    expect(badSince).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'error: --since must be an ISO 8601 date or date-time, e.g. 2024-05-01T12:00:00Z, got "last tuesday"\n',
    });
  });

  it('show: fields, stack, original headers and the payload pretty-printed', async () => {
    const [shown, missing] = await Promise.all([
      jetbus('show', '1', '--server', s),
      jetbus('show', '99', '-s', s),
    ]);
    expect(shown).toMatchObject({ code: 0, stderr: '' });
    const lines = shown.stdout.split('\n');
    expect(lines[0]).toMatch(/^dead letter 1 \(dlq\.orders\.created, stored \S+\)$/);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^subject +orders\.created$/),
        expect.stringMatching(/^handler +OrderJobs\.reserve$/),
        expect.stringMatching(/^error +TypeError: gateway down$/),
        '  at charge (pay.ts:1:2)',
        '  at run (runner.ts:3:4)',
        '  X-Tenant: acme',
      ]),
    );
    expect(shown.stdout).not.toContain('Jetbus-Dlq-');
    expect(shown.stdout).toContain(
      'payload (json, 24 bytes)\n{\n  "id": "o-1",\n  "items": [\n    1\n  ]\n}\n',
    );

    expect(missing).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: no dead letter 99 in stream JETBUS_DLQ (already replayed or deleted?)\n',
    });
  });

  it('replay: refuses to replay everything unasked, dry-runs, replays by id, fails with the reason', async () => {
    const [refused, dry] = await Promise.all([
      jetbus('replay', '-s', s),
      jetbus('replay', '-s', s, '--subject', 'orders.>', '--dry-run'),
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^error: refusing to replay every dead letter/);

    expect(dry).toMatchObject({ code: 0, stderr: '' });
    expect(dry.stdout.split('\n')).toEqual([
      expect.stringMatching(/^DLQ SEQ +SUBJECT +OUTCOME +DETAIL$/),
      expect.stringMatching(/^1 +orders\.created +would replay +to stream ORDERS$/),
      expect.stringMatching(/^2 +orders\.cancelled +would replay +to stream ORDERS$/),
      '',
      'dry run: would replay 2, skipped 0, failed 0; nothing was published or deleted',
      '',
    ]);
    expect((await jsm.streams.info('ORDERS')).state.messages).toBe(0);
    expect(await dlqSeqs()).toEqual([1, 2, 3, 4]);

    const byId = await jetbus('replay', '1', '-s', s, '--json');
    expect(byId.code).toBe(0);
    expect(JSON.parse(byId.stdout)).toEqual({
      dryRun: false,
      aborted: false,
      replayed: [{ dlqSeq: 1, subject: 'orders.created', stream: 'ORDERS', seq: 1, duplicate: false }],
      wouldReplay: [],
      skipped: [],
      failed: [],
    });
    const replayed = await jsm.streams.getMessage('ORDERS', { seq: 1 });
    expect(replayed?.subject).toBe('orders.created');
    expect(replayed?.header.get('X-Tenant')).toBe('acme');
    expect(await dlqSeqs()).toEqual([2, 3, 4]);

    const failed = await jetbus('replay', '3', '4', '-s', s);
    expect(failed.code).toBe(1);
    expect(failed.stdout.split('\n')).toEqual([
      expect.stringMatching(/^DLQ SEQ +SUBJECT +OUTCOME +DETAIL$/),
      expect.stringMatching(
        /^3 +invoices\.send +failed +no JetStream stream captures subject "invoices\.send"/,
      ),
      expect.stringMatching(/^4 +skipped +malformed: no Jetbus-Dlq-Subject header/),
      '',
      'replayed 0, skipped 1, failed 1',
      '',
    ]);
    expect(await dlqSeqs()).toEqual([2, 3, 4]);
  });

  it('rm deletes what it finds; purge refuses without --yes', async () => {
    const rm = await jetbus('rm', '2', '99', '-s', s);
    expect(rm).toEqual({
      code: 1,
      stdout: 'deleted 1 dead letter from JETBUS_DLQ: 2\n',
      stderr: 'error: not in JETBUS_DLQ: 99\n',
    });

    expect(await jetbus('purge', '-s', s)).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: refusing to purge without --yes: it would delete 2 dead letters from JETBUS_DLQ\n',
    });
    expect(await dlqSeqs()).toEqual([3, 4]);

    const purged = await jetbus('purge', '-s', s, '--subject', 'invoices.>', '--yes', '--json');
    expect(purged.code).toBe(0);
    expect(JSON.parse(purged.stdout)).toEqual({ stream: 'JETBUS_DLQ', purged: 1 });
    expect(await dlqSeqs()).toEqual([4]);
  });
});
