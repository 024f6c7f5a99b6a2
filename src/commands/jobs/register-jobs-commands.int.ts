import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { type NatsConnection, connect, headers as natsHeaders } from '@nats-io/transport-node';
import { CANCELLED_BUCKET, DELIVER_AT_HEADER, scheduleOutcomesBucket, scheduledSubject } from '@jetbus/core';
import { NatsServer } from '@jetbus/testing';

// Each command is a child process that compiles the sources on load (about a second).
jest.setTimeout(60_000);

const CLI = [
  '-r',
  join(__dirname, '..', '..', '..', 'scripts', 'register-ts.js'),
  join(__dirname, '..', '..', 'main.ts'),
];

/** `jetbus jobs …` through commander itself, in a child process, against a real server. */
function jetbus(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...CLI, 'jobs', ...args], { timeout: 30_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** A scheduled job as the wire contract says (any language can write one). */
async function schedule(
  js: JetStreamClient,
  jobId: string,
  subject: string,
  deliverAt: string,
  extra: Record<string, string> = {},
): Promise<void> {
  const h = natsHeaders();
  h.set(DELIVER_AT_HEADER, deliverAt);
  h.set('Jetbus-Job-Id', jobId);
  for (const [k, v] of Object.entries(extra)) h.set(k, v);
  await js.publish(scheduledSubject(jobId, subject), new TextEncoder().encode('{"id":1}'), { headers: h });
}

describe('registerJobsCommands', () => {
  let server: NatsServer;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let s: string;

  beforeAll(async () => {
    server = await NatsServer.start();
    s = server.url;
    nc = await connect({ servers: s });
    jsm = await jetstreamManager(nc);
    const js = jetstream(nc);
    await jsm.streams.add({ name: 'JETBUS_SCHEDULED', subjects: ['jetbus.scheduled.>'] });
    await schedule(js, 'reminder-1', 'emails.send', '2099-01-01T00:00:00.000Z');
    // Untrusted text in a header and a subject token: escaped in the table.
    await schedule(js, 'reminder-2', 'emails.\u001b[31mred', '2099-01-02T00:00:00.000Z', {
      'X-Note': 'a\u0007b',
    });
    await schedule(js, 'order-9', 'orders.created', '2099-01-03T00:00:00.000Z');
    await schedule(js, 'already-out', 'orders.created', '2099-01-04T00:00:00.000Z');
    // A release in progress recorded its outcome: cancel must report it released.
    const kv = await new Kvm(js).create(scheduleOutcomesBucket('JETBUS_SCHEDULED'));
    await kv.create('already-out', 'released');
  });
  afterAll(async () => {
    await nc?.close();
    await server?.stop();
  });

  it('scheduled: a table, a subject filter, pages with --cursor, --json', async () => {
    const [all, emails, page1, json] = await Promise.all([
      jetbus('scheduled', '-s', s),
      jetbus('scheduled', '-s', s, '--subject', 'emails.>'),
      jetbus('scheduled', '-s', s, '--limit', '1'),
      jetbus('scheduled', '-s', s, '--subject', 'orders.created', '--json'),
    ]);
    expect(all).toMatchObject({ code: 0, stderr: '' });
    const lines = all.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^JOB ID +SUBJECT +DELIVER AT +IN +SIZE$/);
    expect(lines.slice(1).map((l) => l.split(/ +/)[0])).toEqual([
      'reminder-1',
      'reminder-2',
      'order-9',
      'already-out',
    ]);
    expect(all.stdout).toContain('2099-01-01T00:00:00.000Z');
    expect(all.stdout).not.toContain('\u001b');
    expect(all.stdout).toContain('\\x1b[31mred');

    expect(emails.stdout).toContain('reminder-1');
    expect(emails.stdout).not.toContain('order-9');

    expect(page1.stdout).toContain('reminder-1');
    const cursor = /more: --cursor (\d+)/.exec(page1.stdout)?.[1];
    expect(cursor).toBeDefined();
    const page2 = await jetbus('scheduled', '-s', s, '--limit', '1', '--cursor', cursor!);
    expect(page2.stdout).toContain('reminder-2');
    expect(page2.stdout).not.toContain('reminder-1');

    expect(json.code).toBe(0);
    const body = JSON.parse(json.stdout) as {
      jobs: { jobId: string; subject: string; deliverAt: string }[];
      next: null;
    };
    expect(body.jobs.map((j) => [j.jobId, j.subject, j.deliverAt])).toEqual([
      ['order-9', 'orders.created', '2099-01-03T00:00:00.000Z'],
      ['already-out', 'orders.created', '2099-01-04T00:00:00.000Z'],
    ]);
    expect(body.next).toBeNull();
  });

  it('scheduled: bad options are usage errors (exit 2)', async () => {
    const [limit, cursor, stream] = await Promise.all([
      jetbus('scheduled', '-s', s, '--limit', '5000'),
      jetbus('scheduled', '-s', s, '--cursor', 'x'),
      jetbus('scheduled', '-s', s, '--stream', 'a.b'),
    ]);
    expect(limit).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--limit must be an integer from 1 to 1000'),
    });
    expect(cursor).toMatchObject({ code: 2, stderr: expect.stringContaining('--cursor') });
    expect(stream).toMatchObject({ code: 2, stderr: expect.stringContaining('--stream') });
  });

  it('cancel: cancelled (exit 0, twice), already released or unknown (exit 1), bad id (exit 2)', async () => {
    const first = await jetbus('cancel', 'reminder-1', '-s', s);
    expect(first).toMatchObject({ code: 0, stdout: 'reminder-1: cancelled: it will not be released\n' });
    const again = await jetbus('cancel', 'reminder-1', '-s', s, '--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ jobId: 'reminder-1', outcome: 'cancelled', subject: null });
    const released = await jetbus('cancel', 'already-out', '-s', s, '--json');
    expect(released.code).toBe(1);
    expect(JSON.parse(released.stdout)).toEqual({
      jobId: 'already-out',
      outcome: 'released',
      subject: 'orders.created',
    });
    const unknown = await jetbus('cancel', 'nope', '-s', s);
    expect(unknown).toMatchObject({ code: 1, stdout: expect.stringContaining('not found') });
    const bad = await jetbus('cancel', 'a.b', '-s', s);
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringContaining('jobId must be') });
    const left = await jetbus('scheduled', '-s', s, '--json');
    expect((JSON.parse(left.stdout) as { jobs: { jobId: string }[] }).jobs.map((j) => j.jobId)).toEqual([
      'reminder-2',
      'order-9',
      'already-out',
    ]);
  });

  it('cancel --queued: a scheduled job is cancelled; another id is requested in JETBUS_CANCELLED (exit 0); bad id exit 2', async () => {
    const scheduled = await jetbus('cancel', 'order-9', '--queued', '-s', s, '--json');
    expect(scheduled.code).toBe(0);
    expect(JSON.parse(scheduled.stdout)).toMatchObject({
      jobId: 'order-9',
      outcome: 'cancelled',
      scheduled: 'cancelled',
    });
    const queued = await jetbus('cancel', 'ORDERS:17', '--queued', '-s', s);
    expect(queued).toMatchObject({ code: 0, stdout: expect.stringContaining('ORDERS:17: requested') });
    const kv = await new Kvm(jetstream(nc)).open(CANCELLED_BUCKET);
    const entry = await kv.get('ORDERS=3a17');
    expect(JSON.parse(new TextDecoder().decode(entry!.value))).toMatchObject({
      jobId: 'ORDERS:17',
      state: 'requested',
    });
    const bad = await jetbus('cancel', 'a.b', '--queued', '-s', s);
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringContaining('or <stream>:<seq>') });
  });
});
