import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection, connect } from '@nats-io/transport-node';
import pino from 'pino';
import { ConnectionError, JetbusConnection } from '@jetbus/core';
import { resolveModuleOptions } from '../../libs/core/src/options/resolve-module-options';
import { NatsServer, createTestPki, type TestPki } from '@jetbus/testing';
import { type CommandIo } from '../../src/commands/cli-io';
import { replayAction } from '../../src/commands/dlq/dlq-actions';
import { writeDeadLetter } from './support/dead-letter-fixture';
import { runCli } from './support/run-cli';

const ESC = '\u001b';
const CSI_C1 = '\u009b';
/** What a terminal would act on; none of it may reach human output raw. */
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/;

/** Everything a command wrote, with its exit code, for replayAction run in this process. */
function recordingIo(
  answer?: boolean,
): CommandIo & { out: string; err: string; code: number; asked: string[] } {
  const io = {
    out: '',
    err: '',
    code: 0,
    asked: [] as string[],
    stdout: (t: string) => void (io.out += t),
    stderr: (t: string) => void (io.err += t),
    setExitCode: (c: number) => void (io.code = c),
    ...(answer === undefined
      ? {}
      : {
          interactive: () => true,
          confirm: (q: string) => {
            io.asked.push(q);
            return Promise.resolve(answer);
          },
        }),
  };
  return io;
}

describe('jetbus CLI hardening', () => {
  let server: NatsServer;
  let nc: NatsConnection;
  let jsm: JetStreamManager;

  beforeAll(async () => {
    server = await NatsServer.start();
    nc = await connect({ servers: server.url });
    jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'ORDERS', subjects: ['orders.>'] });
    await jsm.streams.add({ name: 'EMAILS', subjects: ['emails.>'] });
    await jsm.streams.add({ name: 'JETBUS_DLQ', subjects: ['dlq.>'] });
  });
  afterAll(async () => {
    await nc?.close();
    await server?.stop();
  });

  describe('terminal escapes in dead letters', () => {
    let seq: number;
    beforeAll(async () => {
      await jsm.streams.purge('JETBUS_DLQ');
      // What V8's JSON.parse error quotes from a hostile payload, a header value, a C1 CSI, a bidi
      // override and a carriage return that would overwrite the line.
      seq = await writeDeadLetter(
        jetstream(nc),
        {
          subject: 'orders.created',
          seq: 1,
          reason: 'decode',
          errorClass: 'SyntaxError',
          errorMessage: `Unexpected token '${ESC}', "${ESC}]0;pwned${ESC}\\" is not valid JSON`,
          jobHeaders: { 'X-Title': `${ESC}[2J${ESC}[31mred${CSI_C1}31m\u202egnp.exe` },
        },
        `caf${CSI_C1}31m\rOK\u202e`,
      );
    });

    it('dlq ls and dlq show print them escaped, on their own lines', async () => {
      const [ls, show] = await Promise.all([
        runCli(['dlq', 'ls', '-s', server.url]),
        runCli(['dlq', 'show', String(seq), '-s', server.url]),
      ]);
      expect(ls).toMatchObject({ code: 0, stderr: '' });
      expect(show).toMatchObject({ code: 0, stderr: '' });
      for (const out of [ls.stdout, show.stdout]) expect(out).not.toMatch(RAW_CONTROL);
      expect(ls.stdout.split('\n')).toHaveLength(3);
      expect(ls.stdout).toContain(
        `SyntaxError: Unexpected token '\\x1b', "\\x1b]0;pwned\\x1b\\" is not valid JSON`,
      );
      expect(show.stdout).toContain('  X-Title: \\x1b[2J\\x1b[31mred\\x9b31m\\u202egnp.exe');
      expect(show.stdout).toContain('caf\\x9b31m\\rOK\\u202e');
    });

    it('--json keeps the values and is safe to print', async () => {
      const shown = await runCli(['dlq', 'show', String(seq), '-s', server.url, '--json']);
      expect(shown.code).toBe(0);
      expect(shown.stdout).not.toMatch(RAW_CONTROL);
      const view = JSON.parse(shown.stdout) as { headers: Record<string, string[]>; errorMessage: string };
      expect(view.headers['X-Title']).toEqual([`${ESC}[2J${ESC}[31mred${CSI_C1}31m\u202egnp.exe`]);
      expect(view.errorMessage).toContain(`${ESC}]0;pwned`);
    });

    it('an error message quoting a hostile stream name is escaped too', async () => {
      const r = await runCli(['streams', 'info', `A${ESC}[2JB`, '-s', server.url]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        'error: stream must be a stream name (no spaces, ".", "*", ">", "/" or "\\\\"), got "A\\x1b[2JB"\n',
      );
    });
  });

  describe('bulk replay', () => {
    const dlqSize = async () => (await jsm.streams.info('JETBUS_DLQ')).state.messages;
    const stored = async (stream: string) => (await jsm.streams.info(stream)).state.messages;

    // Original sequences are never reused: the DLQ deduplicates on them (`dlq:<stream>:<seq>`).
    let nextSeq = 1000;
    beforeEach(async () => {
      await jsm.streams.purge('JETBUS_DLQ');
      await jsm.streams.purge('ORDERS');
      await jsm.streams.purge('EMAILS');
      const js = jetstream(nc);
      for (let i = 1; i <= 12; i++)
        await writeDeadLetter(js, { subject: 'orders.created', seq: nextSeq++ }, `{"n":${i}}`);
      await writeDeadLetter(js, { subject: 'emails.send', stream: 'EMAILS', seq: nextSeq++ }, '{}');
    });

    it('without a terminal, refuses above the threshold and names the targets', async () => {
      const r = await runCli(['dlq', 'replay', '--reason', 'error', '-s', server.url]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        'error: refusing to replay 13 dead letters (orders.created → ORDERS: 12, emails.send → EMAILS: 1) ' +
          'without confirmation: no terminal to ask on; check with --dry-run, then pass --yes\n',
      );
      expect(await dlqSize()).toBe(13);
      expect(await stored('ORDERS')).toBe(0);
    });

    it('at or under the threshold, replays without asking', async () => {
      const r = await runCli([
        'dlq',
        'replay',
        '--subject',
        'orders.created',
        '--limit',
        '10',
        '-s',
        server.url,
      ]);
      expect(r).toMatchObject({ code: 0, stderr: '' });
      expect(await stored('ORDERS')).toBe(10);
    });

    it('--yes replays and reports target stream and seq for each', async () => {
      const r = await runCli([
        'dlq',
        'replay',
        '--reason',
        'error',
        '--yes',
        '--rate',
        '1000',
        '-s',
        server.url,
      ]);
      expect(r).toMatchObject({ code: 0, stderr: '' });
      const rows = r.stdout.split('\n').filter((l) => / replayed /.test(l));
      expect(rows).toHaveLength(13);
      expect(rows.filter((l) => /orders\.created +replayed +ORDERS seq \d+$/.test(l))).toHaveLength(12);
      expect(rows.filter((l) => /emails\.send +replayed +EMAILS seq \d+$/.test(l))).toHaveLength(1);
      expect(await dlqSize()).toBe(0);
    });

    it('on a terminal, shows the plan and replays only when confirmed', async () => {
      const options = {
        server: server.url,
        timeout: 5000,
        stream: 'JETBUS_DLQ',
        rate: '1000',
        subject: 'orders.>',
      };
      const declined = recordingIo(false);
      await replayAction([], options, declined);
      expect(declined.asked).toEqual(['replay 12 dead letters?']);
      expect(declined.err).toContain('about to replay 12 dead letters (0 skipped, 0 would fail):');
      expect(declined.err).toMatch(/ {2}orders\.created +ORDERS +12\n/);
      expect(declined.err).toContain('replay cancelled: nothing was published or deleted');
      expect(declined.code).toBe(1);
      expect(await dlqSize()).toBe(13);

      const confirmed = recordingIo(true);
      await replayAction([], options, confirmed);
      expect(confirmed.code).toBe(0);
      expect(confirmed.out).toContain('replayed 12, skipped 0, failed 0');
      expect(await stored('ORDERS')).toBe(12);
      expect(await dlqSize()).toBe(1);
    });

    it('--dry-run never asks', async () => {
      const io = recordingIo(false);
      await replayAction(
        [],
        { server: server.url, timeout: 5000, stream: 'JETBUS_DLQ', rate: '100', all: true, dryRun: true },
        io,
      );
      expect(io.asked).toEqual([]);
      expect(io.out).toContain('dry run: would replay 13');
      expect(io.code).toBe(0);
    });
  });

  describe('tls:// means TLS', () => {
    let dir: string;
    let pki: TestPki;
    let tlsServer: NatsServer;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'jetbus-cli-tls-'));
      pki = await createTestPki(dir);
      tlsServer = await NatsServer.start({
        config: `tls {\n  cert_file: ${JSON.stringify(pki.serverCert)}\n  key_file: ${JSON.stringify(
          pki.serverKey,
        )}\n  ca_file: ${JSON.stringify(pki.caFile)}\n  verify: true\n}`,
      });
    });
    afterAll(async () => {
      await tlsServer?.stop();
      await rm(dir, { recursive: true, force: true });
    });

    it('the CLI refuses to run in plain text against a server without TLS', async () => {
      const url = server.url.replace('nats://', 'tls://');
      const r = await runCli(['streams', 'ls', '-s', url]);
      expect(r).toEqual({
        code: 1,
        stdout: '',
        stderr: `error: cannot connect to NATS at ${url}: TLS is required (tls:// or --tls-* options) but the server does not offer it\n`,
        ms: expect.any(Number),
      });
    });

    it('the CLI speaks mutual TLS with --tls-ca/--tls-cert/--tls-key, and from the environment', async () => {
      const url = tlsServer.url.replace('nats://', 'tls://');
      const flags = await runCli([
        'streams',
        'ls',
        '-s',
        url,
        '--tls-ca',
        pki.caFile,
        '--tls-cert',
        pki.clientCert,
        '--tls-key',
        pki.clientKey,
      ]);
      expect(flags).toMatchObject({ code: 0, stderr: '' });
      const env = await runCli(['streams', 'ls'], {
        NATS_URL: url,
        NATS_TLS_CA: pki.caFile,
        NATS_TLS_CERT: pki.clientCert,
        NATS_TLS_KEY: pki.clientKey,
      });
      expect(env).toMatchObject({ code: 0, stderr: '' });
    });

    it('the module refuses servers: tls://… against a server without TLS, with a typed error', async () => {
      const options = resolveModuleOptions({
        servers: server.url.replace('nats://', 'tls://'),
        name: 'tlscheck',
      });
      const opened = JetbusConnection.open(options, pino({ level: 'silent' }));
      await expect(opened).rejects.toBeInstanceOf(ConnectionError);
      await expect(opened).rejects.toThrow(
        'the URL says tls:// but the server does not offer TLS; jetbus will not fall back to plain text',
      );
    });

    it('the module connects to tls://… when the server offers TLS', async () => {
      const options = resolveModuleOptions({
        servers: tlsServer.url.replace('nats://', 'tls://'),
        name: 'tlscheck',
        tls: { caFile: pki.caFile, certFile: pki.clientCert, keyFile: pki.clientKey },
      });
      const connection = await JetbusConnection.open(options, pino({ level: 'silent' }));
      try {
        expect(connection.nc.isClosed()).toBe(false);
      } finally {
        await connection.close();
      }
    });
  });
});
