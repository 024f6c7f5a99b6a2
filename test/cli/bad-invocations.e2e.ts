import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers } from '@nats-io/transport-node';
import { DeadLetterHeaders as H } from '@jetbus/core';
import { NatsServer, createTestPki, type TestPki } from '@jetbus/testing';
import { closingServer, httpServer, muteNatsServer, refusedUrl, silentServer } from './support/fake-servers';
import { type CliResult, mapLimit, runCli } from './support/run-cli';

/*
 * The real CLI, called wrong in every way we could think of, against a real nats-server and against
 * things that are not one. Each row must exit with the right code (2: bad usage, 1: the operation
 * failed) within its deadline, say so in exactly one line on stderr, show no stack trace, and name
 * what it is about (the URL, the file, the stream). All rows run in beforeAll, a few at a time.
 */

/** What the rows may refer to; filled in beforeAll. */
interface Fixture {
  /** A real server with streams ORDERS and JETBUS_DLQ (one dead letter). */
  nats: string;
  silent: string;
  /** Completes the NATS handshake, then answers nothing. */
  mute: string;
  closing: string;
  http: string;
  refused: string;
  dir: string;
  pki: TestPki;
}

interface Row {
  name: string;
  args: (f: Fixture) => string[];
  env?: (f: Fixture) => Record<string, string>;
  code: 1 | 2;
  /** Strings stderr must contain (URL, path, stream, option). */
  names?: (f: Fixture) => string[];
  /** The `--timeout` the row passes, for its deadline. @default 5000 */
  timeoutMs?: number;
}

/** Process start (the CLI compiles its TypeScript on load) on a busy 2-core machine. */
const STARTUP_BUDGET_MS = 10_000;
/** Short deadline for rows whose peer never answers. */
const SHORT = '800';

const p = (f: Fixture, name: string) => join(f.dir, name);

// ---- Bad usage: exit 2, nothing is contacted. -----------------------------------------------------
const usage = (name: string, args: string[], names: string[] = []): Row => ({
  name,
  args: () => args,
  code: 2,
  names: () => names,
});
const usageRows: Row[] = [
  usage('no command at all', [], ['missing command']),
  usage('dlq without a subcommand', ['dlq'], ['missing command', 'jetbus dlq']),
  usage('streams without a subcommand', ['streams'], ['missing command', 'jetbus streams']),
  usage('an unknown command', ['nope'], ['nope']),
  usage('an unknown dlq subcommand', ['dlq', 'list-all'], ['list-all']),
  usage('an unknown streams subcommand', ['streams', 'delete', 'ORDERS'], ['delete']),
  usage('an unknown dlq ls option', ['dlq', 'ls', '--colour'], ['--colour']),
  usage('an unknown dlq replay option', ['dlq', 'replay', '1', '--force'], ['--force']),
  usage('streams info without a stream', ['streams', 'info'], ['stream']),
  usage('dlq show without a dlqSeq', ['dlq', 'show'], ['dlqSeq']),
  usage('dlq rm without a dlqSeq', ['dlq', 'rm'], ['dlqSeq']),
  usage('streams ls with an argument', ['streams', 'ls', 'ORDERS']),
  usage('dlq show with two dlqSeqs', ['dlq', 'show', '1', '2']),
  usage('dlq show 0', ['dlq', 'show', '0'], ['"0"']),
  usage('dlq show a word', ['dlq', 'show', 'abc'], ['"abc"']),
  usage('dlq show an exponent', ['dlq', 'show', '1e3'], ['"1e3"']),
  usage('dlq show beyond a safe integer', ['dlq', 'show', '99999999999999999999'], ['99999999999999999999']),
  usage('dlq rm with one bad dlqSeq among good ones', ['dlq', 'rm', '1', 'two', '3'], ['"two"']),
  usage('dlq replay with no selection', ['dlq', 'replay'], ['--all']),
  usage('--limit 0', ['dlq', 'ls', '--limit', '0'], ['--limit']),
  usage('--limit a word', ['dlq', 'ls', '--limit', 'ten'], ['--limit', 'ten']),
  usage('--since in words', ['dlq', 'ls', '--since', 'yesterday'], ['--since', 'yesterday']),
  usage('--since an impossible date', ['dlq', 'ls', '--since', '2026-02-30T00:00:00Z'], ['--since']),
  usage('--reason unknown', ['dlq', 'ls', '--reason', 'timeout'], ['--reason', 'timeout']),
  usage('--subject with an empty token', ['dlq', 'ls', '--subject', 'orders..x'], ['--subject']),
  usage('--subject with > in the middle', ['dlq', 'ls', '--subject', 'orders.>.x'], ['--subject']),
  usage('--error empty', ['dlq', 'ls', '--error', ''], ['--error']),
  usage('--rate 0', ['dlq', 'replay', '1', '--rate', '0'], ['--rate']),
  usage('--rate a word', ['dlq', 'replay', '1', '--rate', 'fast'], ['--rate', 'fast']),
  usage('--timeout 0', ['streams', 'ls', '--timeout', '0'], ['--timeout']),
  usage('--timeout a word', ['dlq', 'ls', '--timeout', 'soon'], ['--timeout', 'soon']),
  usage('--timeout with a unit', ['streams', 'ls', '--timeout', '5s'], ['--timeout', '5s']),
  usage('--server empty', ['streams', 'ls', '--server', ''], ['--server']),
  usage(
    '--server http://',
    ['streams', 'ls', '--server', 'http://127.0.0.1:4222'],
    ['http://127.0.0.1:4222'],
  ),
  usage('--server ws://', ['dlq', 'ls', '--server', 'ws://127.0.0.1:4222'], ['ws://127.0.0.1:4222']),
  usage('--timeout beyond a day', ['dlq', 'show', '1', '--timeout', '99999999999'], ['--timeout']),
  usage('streams info with a slash', ['streams', 'info', '../etc'], ['../etc']),
  usage('--server port too big', ['dlq', 'ls', '-s', 'nats://127.0.0.1:99999'], ['nats://127.0.0.1:99999']),
  usage('--server with a path', ['streams', 'ls', '-s', 'nats://127.0.0.1:4222/x'], ['4222/x']),
  usage('--server garbage', ['dlq', 'ls', '-s', ':::'], [':::']),
  usage('--server without a value', ['dlq', 'ls', '--server'], ['--server']),
  usage('--inbox-prefix with a space', ['dlq', 'ls', '--inbox-prefix', '_INBOX admin'], ['--inbox-prefix']),
  usage('--inbox-prefix with >', ['dlq', 'ls', '--inbox-prefix', '_INBOX.>'], ['_INBOX.>']),
  usage('--inbox-prefix empty', ['streams', 'ls', '--inbox-prefix', ''], ['--inbox-prefix']),
  usage('--stream with a space', ['dlq', 'ls', '--stream', 'MY DLQ'], ['--stream', 'MY DLQ']),
  usage('--stream with a dot', ['dlq', 'show', '1', '--stream', 'dlq.x'], ['--stream', 'dlq.x']),
  usage('--stream a wildcard', ['dlq', 'purge', '--stream', '*', '--yes'], ['--stream']),
  usage('streams info with a dot', ['streams', 'info', 'ORDERS.x'], ['ORDERS.x']),
  usage('streams info a wildcard', ['streams', 'info', 'ORD*'], ['ORD*']),
  usage('streams info with a space', ['streams', 'info', 'MY STREAM'], ['MY STREAM']),
  usage('--tls-cert without --tls-key', ['streams', 'ls', '--tls-cert', '/nonexistent.pem'], ['--tls-key']),
  usage('--tls-key without --tls-cert', ['dlq', 'ls', '--tls-key', '/nonexistent.pem'], ['--tls-cert']),
];

// ---- The operation fails: exit 1. ---------------------------------------------------------------
const EVERY_COMMAND: [string, string[]][] = [
  ['streams ls', ['streams', 'ls']],
  ['streams info', ['streams', 'info', 'ORDERS']],
  ['dlq ls', ['dlq', 'ls']],
  ['dlq show', ['dlq', 'show', '1']],
  ['dlq replay', ['dlq', 'replay', '1']],
  ['dlq rm', ['dlq', 'rm', '1']],
  ['dlq purge', ['dlq', 'purge', '--yes']],
];

const failRows: Row[] = [
  ...EVERY_COMMAND.map(([command, args]): Row => ({
    name: `${command}: connection refused`,
    args: (f) => [...args, '-s', f.refused],
    code: 1,
    names: (f) => [f.refused, 'connection refused'],
  })),
  ...EVERY_COMMAND.map(([command, args]): Row => ({
    name: `${command}: a port that accepts TCP and never speaks`,
    args: (f) => [...args, '-s', f.silent, '--timeout', SHORT],
    code: 1,
    names: (f) => [f.silent, `${SHORT} ms`],
    timeoutMs: Number(SHORT),
  })),
  ...EVERY_COMMAND.slice(0, 4).map(([command, args]): Row => ({
    name: `${command}: a server that closes the connection at once`,
    args: (f) => [...args, '-s', f.closing, '--timeout', '3000'],
    code: 1,
    names: (f) => [f.closing, 'closed the connection'],
    timeoutMs: 3000,
  })),
  ...EVERY_COMMAND.slice(2, 4).map(([command, args]): Row => ({
    name: `${command}: a peer that is not NATS`,
    args: (f) => [...args, '-s', f.http, '--timeout', '3000'],
    code: 1,
    names: (f) => [f.http],
    timeoutMs: 3000,
  })),
  ...EVERY_COMMAND.slice(0, 3).map(([command, args]): Row => ({
    name: `${command}: a host name that does not resolve`,
    args: () => [...args, '-s', 'nats://no-such-host.invalid:4222', '--timeout', '3000'],
    code: 1,
    names: () => ['nats://no-such-host.invalid:4222'],
    timeoutMs: 3000,
  })),
  {
    name: 'a list of servers, none up',
    args: (f) => ['dlq', 'ls', '-s', `${f.refused},${f.closing}`, '--timeout', '3000'],
    code: 1,
    names: (f) => [f.refused, f.closing],
    timeoutMs: 3000,
  },
  ...EVERY_COMMAND.slice(0, 4).map(([command, args]): Row => ({
    name: `${command}: tls:// to a server without TLS`,
    args: (f) => [...args, '-s', f.nats.replace('nats://', 'tls://')],
    code: 1,
    names: (f) => [f.nats.replace('nats://', 'tls://'), 'TLS'],
  })),
  {
    name: 'TLS files given to a server without TLS',
    args: (f) => ['streams', 'ls', '-s', f.nats, '--tls-ca', f.pki.caFile],
    code: 1,
    names: (f) => [f.nats, 'TLS'],
  },
  {
    name: '$NATS_URL with tls:// to a server without TLS',
    args: () => ['dlq', 'ls'],
    env: (f) => ({ NATS_URL: f.nats.replace('nats://', 'tls://') }),
    code: 1,
    names: (f) => [f.nats.replace('nats://', 'tls://'), 'TLS'],
  },
  {
    name: '$NATS_URL unreachable is the default',
    args: () => ['streams', 'ls'],
    env: (f) => ({ NATS_URL: f.refused }),
    code: 1,
    names: (f) => [f.refused],
  },
  {
    name: '$NATS_URL garbage',
    args: () => ['dlq', 'ls'],
    env: () => ({ NATS_URL: 'not a url' }),
    code: 2,
    names: () => ['not a url'],
  },
  {
    name: '$NATS_INBOX_PREFIX with a wildcard',
    args: (f) => ['dlq', 'ls', '-s', f.nats],
    env: () => ({ NATS_INBOX_PREFIX: '_INBOX.*' }),
    code: 2,
    names: () => ['_INBOX.*'],
  },
  // Creds files.
  ...(
    [
      ['a missing creds file', 'missing.creds', 'no such file'],
      ['a directory as creds file', 'a-directory', 'is a directory'],
      ['an empty creds file', 'empty.creds', 'not a NATS .creds file'],
      ['a garbage creds file', 'garbage.creds', 'not a NATS .creds file'],
      ['a creds file with a bad seed', 'bad-seed.creds', 'seed'],
      ['a huge creds file', 'huge.creds', 'larger than'],
      ['a file under a file', 'empty.creds/x.creds', 'not a directory'],
    ] as const
  ).flatMap(([what, file, why]): Row[] => [
    {
      name: `dlq ls with ${what}`,
      args: (f) => ['dlq', 'ls', '-s', f.nats, '--creds', p(f, file)],
      code: 1,
      names: (f) => [`creds file ${p(f, file)}`, why],
    },
  ]),
  {
    name: 'streams ls with a missing creds file',
    args: (f) => ['streams', 'ls', '-s', f.nats, '--creds', p(f, 'missing.creds')],
    code: 1,
    names: (f) => [p(f, 'missing.creds'), 'no such file'],
  },
  {
    name: '$NATS_CREDS naming a missing file',
    args: (f) => ['streams', 'info', 'ORDERS', '-s', f.nats],
    env: (f) => ({ NATS_CREDS: p(f, 'missing.creds') }),
    code: 1,
    names: (f) => [p(f, 'missing.creds')],
  },
  // TLS files.
  {
    name: 'a missing TLS CA file',
    args: (f) => ['streams', 'ls', '-s', f.nats, '--tls-ca', p(f, 'missing-ca.pem')],
    code: 1,
    names: (f) => [`TLS CA file ${p(f, 'missing-ca.pem')}`, 'no such file'],
  },
  {
    name: 'a directory as TLS CA file',
    args: (f) => ['dlq', 'ls', '-s', f.nats, '--tls-ca', p(f, 'a-directory')],
    code: 1,
    names: (f) => [p(f, 'a-directory'), 'is a directory'],
  },
  {
    name: 'a garbage TLS CA file',
    args: (f) => ['dlq', 'ls', '-s', f.nats, '--tls-ca', p(f, 'garbage.creds')],
    code: 1,
    names: (f) => [p(f, 'garbage.creds'), 'not a PEM certificate'],
  },
  {
    name: 'a key given as TLS certificate',
    args: (f) => ['dlq', 'ls', '-s', f.nats, '--tls-cert', f.pki.clientKey, '--tls-key', f.pki.clientKey],
    code: 1,
    names: (f) => [f.pki.clientKey, 'not a PEM certificate'],
  },
  {
    name: 'a certificate given as TLS key',
    args: (f) => [
      'streams',
      'ls',
      '-s',
      f.nats,
      '--tls-cert',
      f.pki.clientCert,
      '--tls-key',
      f.pki.clientCert,
    ],
    code: 1,
    names: (f) => [f.pki.clientCert, 'not a PEM private key'],
  },
  {
    name: 'a missing TLS key file',
    args: (f) => [
      'dlq',
      'ls',
      '-s',
      f.nats,
      '--tls-cert',
      f.pki.clientCert,
      '--tls-key',
      p(f, 'missing.key'),
    ],
    code: 1,
    names: (f) => [`TLS key file ${p(f, 'missing.key')}`],
  },
  {
    name: '$NATS_TLS_CA naming a missing file',
    args: (f) => ['dlq', 'ls', '-s', f.nats],
    env: (f) => ({ NATS_TLS_CA: p(f, 'missing-ca.pem') }),
    code: 1,
    names: (f) => [p(f, 'missing-ca.pem')],
  },
  // Streams and dead letters that are not there.
  {
    name: 'streams info of a stream that does not exist',
    args: (f) => ['streams', 'info', 'NOPE', '-s', f.nats],
    code: 1,
    names: () => ['NOPE'],
  },
  {
    name: 'streams info is case-sensitive',
    args: (f) => ['streams', 'info', 'orders', '-s', f.nats],
    code: 1,
    names: () => ['orders'],
  },
  {
    name: 'dlq ls on a DLQ stream that does not exist',
    args: (f) => ['dlq', 'ls', '-s', f.nats, '--stream', 'NO_DLQ'],
    code: 1,
    names: () => ['NO_DLQ'],
  },
  {
    name: 'dlq show on a DLQ stream that does not exist',
    args: (f) => ['dlq', 'show', '1', '-s', f.nats, '--stream', 'NO_DLQ'],
    code: 1,
    names: () => ['NO_DLQ'],
  },
  {
    name: 'dlq purge on a DLQ stream that does not exist',
    args: (f) => ['dlq', 'purge', '--yes', '-s', f.nats, '--stream', 'NO_DLQ'],
    code: 1,
    names: () => ['NO_DLQ'],
  },
  {
    name: 'dlq show of a dead letter that is not there',
    args: (f) => ['dlq', 'show', '99', '-s', f.nats],
    code: 1,
    names: () => ['99', 'JETBUS_DLQ'],
  },
  {
    name: 'dlq rm of a dead letter that is not there',
    args: (f) => ['dlq', 'rm', '99', '-s', f.nats],
    code: 1,
    names: () => ['99', 'JETBUS_DLQ'],
  },
  {
    name: 'dlq replay of a dead letter that is not there',
    args: (f) => ['dlq', 'replay', '98', '-s', f.nats],
    code: 1,
    names: () => ['not replayed'],
  },
  {
    name: 'dlq purge without --yes',
    args: (f) => ['dlq', 'purge', '-s', f.nats],
    code: 1,
    names: () => ['--yes', 'JETBUS_DLQ'],
  },
  {
    name: 'dlq replay whose subject no stream captures',
    args: (f) => ['dlq', 'replay', '1', '--dry-run', '-s', f.nats],
    code: 1,
    names: () => ['not replayable'],
  },
];

const rows: Row[] = [...usageRows, ...failRows];

describe('jetbus, called wrong', () => {
  let server: NatsServer;
  const closers: (() => Promise<void>)[] = [];
  const results = new Map<string, CliResult>();
  let fixture: Fixture;

  beforeAll(async () => {
    server = await NatsServer.start();
    const nc = await connect({ servers: server.url });
    try {
      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: 'ORDERS', subjects: ['orders.>'] });
      await jsm.streams.add({ name: 'JETBUS_DLQ', subjects: ['dlq.>'] });
      // One dead letter for a subject no stream captures: replaying it can only fail.
      await jetstream(nc).publish('dlq.invoices.send', '{}', {
        headers: deadLetterHeaders('invoices.send'),
      });
    } finally {
      await nc.close();
    }
    const [silent, mute, closing, http] = await Promise.all([
      silentServer(),
      muteNatsServer(),
      closingServer(),
      httpServer(),
    ]);
    closers.push(silent.close, mute.close, closing.close, http.close);
    const dir = await mkdtemp(join(tmpdir(), 'jetbus-cli-bad-'));
    closers.push(() => rm(dir, { recursive: true, force: true }));
    await mkdir(join(dir, 'a-directory'));
    await writeFile(join(dir, 'empty.creds'), '');
    await writeFile(join(dir, 'garbage.creds'), 'this is not a creds file\n\x1b[31mred\x1b[0m\n');
    await writeFile(join(dir, 'binary.creds'), Buffer.from([0, 1, 2, 0xff, 0xfe, 0x1b]));
    await writeFile(join(dir, 'huge.creds'), Buffer.alloc(2 * 1024 * 1024, 'a'));
    await writeFile(
      join(dir, 'bad-seed.creds'),
      [
        '-----BEGIN NATS USER JWT-----',
        'eyJhbGciOiJlZDI1NTE5LW5rZXkiLCJ0eXAiOiJKV1QifQ.e30.c2ln',
        '------END NATS USER JWT------',
        '',
        '-----BEGIN USER NKEY SEED-----',
        'SUNOTAVALIDSEED',
        '------END USER NKEY SEED------',
        '',
      ].join('\n'),
    );
    const pki = await createTestPki(join(dir, 'pki'));
    fixture = {
      nats: server.url,
      silent: silent.url,
      mute: mute.url,
      closing: closing.url,
      http: http.url,
      refused: await refusedUrl(),
      dir,
      pki,
    };
    // Four at a time: most rows are a second of process start-up, the silent ones wait their deadline.
    await mapLimit(rows, 4, async (row) => {
      results.set(row.name, await runCli(row.args(fixture), row.env?.(fixture)));
    });
    // About 1 s of CPU per process start: 110+ rows outlasted 240 s on a 2-core machine at load 10.
    // Each row still has its own deadline (inTime below).
  }, 600_000);

  afterAll(async () => {
    for (const close of closers) await close().catch(() => undefined);
    await server?.stop();
  });

  it('has at least 110 rows', () => {
    expect(rows.length).toBeGreaterThanOrEqual(110);
    expect(new Set(rows.map((r) => r.name)).size).toBe(rows.length);
  });

  it.each(rows.map((r) => [r.name, r] as const))('%s', (_name, row) => {
    const result = results.get(row.name);
    expect(result).toBeDefined();
    const { code, stdout, stderr, ms } = result as CliResult;
    // One object, so a failing row shows everything at once (args and output included).
    const context = { args: row.args(fixture), stdout, stderr, ms };
    expect({
      context,
      code,
      oneLine: /^error: [^\n]+\n$/.test(stderr),
      stackTrace: /\n\s+at /.test(stderr) || /\n\s+at /.test(stdout),
      names: (row.names?.(fixture) ?? []).filter((n) => !stderr.includes(n)),
      inTime: ms < 2 * (row.timeoutMs ?? 5_000) + 1_000 + STARTUP_BUDGET_MS,
      raw: stderr.includes('\u001b'),
    }).toEqual({
      context,
      code: row.code,
      oneLine: true,
      stackTrace: false,
      names: [],
      inTime: true,
      raw: false,
    });
  });
});

/** The headers of a dead letter as the wire contract has them. */
function deadLetterHeaders(subject: string) {
  const h = headers();
  h.set(H.Subject, subject);
  h.set(H.Stream, 'INVOICES');
  h.set(H.Seq, '1');
  h.set(H.Consumer, 'invoices_worker');
  h.set(H.Attempts, '1');
  h.set(H.FailedAt, '2026-03-01T10:00:00.000Z');
  h.set(H.Reason, 'error');
  return h;
}
