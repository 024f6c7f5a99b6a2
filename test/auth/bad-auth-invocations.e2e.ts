import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { applyPolicy, authPaths, parsePolicy, STARTER_POLICY } from '@jetbus/auth';
import { NatsServer } from '@jetbus/testing';
import { refusedUrl, silentServer } from '../cli/support/fake-servers';
import { mapLimit } from '../cli/support/run-cli';
import { hashTree } from './support/hash-tree';
import { type CliRun, jetbus } from './support/jetbus-cli';

/*
 * `jetbus auth init|apply|diff|add-user|revoke|creds`, called wrong, through the real CLI process,
 * against a real operator-mode nats-server and things that are not one. Every row must:
 * - exit non-zero: 2 for bad usage (commander's errors, malformed option values), 1 for failures;
 * - end within its deadline (`--timeout` plus process start-up), a silent TCP port included;
 * - print exactly one line on stderr, `error: …`, naming what it is about; the one exception is a
 *   policy that does not validate: `error: invalid auth policy <file>: N errors` and then one
 *   `  - <path>: <message>` line per problem (rows marked `policyErrors`);
 * - show no stack trace;
 * - write nothing: the row's own copy of the policy and auth directory hashes the same before and after.
 */

interface Fixture {
  /** Operator-mode server started from the template's server-auth.conf. */
  nats: string;
  silent: string;
  refused: string;
  /** Shared, read-only inputs: bad policies, bad creds. */
  inputs: string;
}

interface Row {
  name: string;
  /** `cwd` is the row's own copy of the template (jetbus-auth.yaml, .jetbus/auth). */
  args: (f: Fixture, cwd: string) => string[];
  code: 1 | 2;
  /** Strings stderr must contain (the path, the URL, the option). */
  names?: (f: Fixture, cwd: string) => string[];
  /** A failed validation: a head line and one line per policy error. */
  policyErrors?: boolean;
  /** The `--timeout` the row passes, for its deadline. @default 5000 */
  timeoutMs?: number;
  /** Environment of the run (no NATS_* variable is inherited). */
  env?: (f: Fixture) => Record<string, string>;
}

/** Process start (the CLI compiles its TypeScript on load) on a busy 2-core machine. */
const STARTUP_BUDGET_MS = 10_000;
/** Deadline of rows whose peer never answers. */
const SHORT = '400';

const input = (f: Fixture, name: string): string => join(f.inputs, name);

const usage = (name: string, args: string[], names: string[] = []): Row => ({
  name,
  args: () => args,
  code: 2,
  names: () => names,
});

const usageRows: Row[] = [
  usage('auth without a subcommand', ['auth'], ['missing command', 'jetbus auth']),
  usage('an unknown auth subcommand', ['auth', 'rotate-all'], ['rotate-all']),
  usage('init with an argument', ['auth', 'init', 'extra'], ['extra']),
  usage('init with an unknown option', ['auth', 'init', '--overwrite'], ['--overwrite']),
  usage('apply with an unknown option', ['auth', 'apply', '--push'], ['--push']),
  usage(
    'apply --server that is not a NATS URL',
    ['auth', 'apply', '--server', 'http://127.0.0.1:4222'],
    ['--server'],
  ),
  usage(
    'apply --server with a port out of range',
    ['auth', 'apply', '--server', 'nats://127.0.0.1:99999'],
    ['--server'],
  ),
  usage('apply --timeout 0', ['auth', 'apply', '--timeout', '0'], ['--timeout']),
  usage('apply --timeout a word', ['auth', 'apply', '--timeout', 'soon'], ['--timeout', 'soon']),
  usage(
    'apply --inbox-prefix with a wildcard',
    ['auth', 'apply', '--inbox-prefix', '_INBOX.*'],
    ['--inbox-prefix'],
  ),
  usage(
    'apply --resolver-dir with a newline',
    ['auth', 'apply', '--resolver-dir', '/x"\ninclude "/etc/evil'],
    ['--resolver-dir'],
  ),
  usage(
    'init --resolver-dir with an escape',
    ['auth', 'init', '--force', '--resolver-dir', '/x\u001b[2J'],
    ['--resolver-dir'],
  ),
  usage('add-user without a user', ['auth', 'add-user', 'APP', '--role', 'operations'], ["'user'"]),
  usage('add-user without --role', ['auth', 'add-user', 'APP', 'billing'], ['--role']),
  usage(
    'add-user --expires in the past',
    ['auth', 'add-user', 'APP', 'b', '--role', 'operations', '--expires', '2001-01-01T00:00:00Z'],
    ['--expires', 'not in the future'],
  ),
  usage(
    'add-user --expires now',
    ['auth', 'add-user', 'APP', 'b', '--role', 'operations', '--expires', '0m'],
    ['--expires'],
  ),
  usage(
    'add-user --expires a word',
    ['auth', 'add-user', 'APP', 'b', '--role', 'operations', '--expires', 'tomorrow'],
    ['--expires', 'tomorrow'],
  ),
  usage(
    'add-user --expires an impossible date',
    ['auth', 'add-user', 'APP', 'b', '--role', 'operations', '--expires', '2031-02-31T00:00:00Z'],
    ['--expires'],
  ),
  usage('revoke without arguments', ['auth', 'revoke'], ["'account'"]),
  usage('revoke SYS sys without --rotate', ['auth', 'revoke', 'SYS', 'sys'], ['--rotate']),
  usage('creds without a user', ['auth', 'creds', 'APP'], ["'user'"]),
  usage(
    'creds with a server option',
    ['auth', 'creds', 'APP', 'api', '--server', 'nats://x:1'],
    ['--server'],
  ),
];

/** A failure reading or checking the policy; `policy` is under the shared inputs. */
const badPolicy = (command: string, policy: string, names: string[], policyErrors = false): Row => ({
  name: `${command} with ${policy}`,
  args: (f) => ['auth', command, '--policy', input(f, policy)],
  code: 1,
  names: (f) => [input(f, policy), ...names],
  policyErrors,
});

const policyRows: Row[] = [
  badPolicy('apply', 'missing.yaml', ['no policy file']),
  badPolicy('apply', 'syntax.yaml', ['syntax error'], true),
  badPolicy('apply', 'syntax.json', ['syntax error'], true),
  badPolicy('diff', 'huge.yaml', ['larger than']),
  badPolicy('apply', 'accounts-a-number.yaml', ['accounts'], true),
  badPolicy('apply', 'wrong-types.json', ['operator'], true),
  badPolicy('diff', 'unknown-role.yaml', ['unknown role "prodcer"'], true),
  badPolicy('apply', 'unknown-field.yaml', ['colour'], true),
  badPolicy('apply', 'empty.yaml', ['the policy is empty'], true),
  badPolicy('diff', 'alias-bomb.yaml', [], true),
  badPolicy('apply', 'binary.yaml', [], true),
  badPolicy('apply', 'a-directory', ['is a directory']),
  badPolicy('diff', 'reaper-without-subjects.yaml', ['subjects'], true),
  badPolicy('apply', 'sys-declared.yaml', ['SYS'], true),
  {
    name: 'apply --policy /dev/zero',
    args: () => ['auth', 'apply', '--policy', '/dev/zero'],
    code: 1,
    names: () => ['/dev/zero', 'not a regular file'],
  },
  {
    name: 'init --force --policy that is a directory',
    args: (f) => ['auth', 'init', '--force', '--policy', input(f, 'a-directory')],
    code: 1,
    names: (f) => [input(f, 'a-directory')],
  },
  {
    name: 'init --policy under a file',
    args: (f) => ['auth', 'init', '--policy', join(input(f, 'a-file'), 'policy.yaml')],
    code: 1,
    names: (f) => [join(input(f, 'a-file'), 'policy.yaml')],
  },
  {
    name: 'init over an existing policy without --force',
    args: () => ['auth', 'init'],
    code: 1,
    names: (_f, cwd) => [join(cwd, 'jetbus-auth.yaml'), '--force'],
  },
];

/** A bad `--dir`: a file, under a file, unwritable (/proc refuses even root). */
const badDir = (command: string[], what: string, dir: (f: Fixture) => string): Row => ({
  name: `${command.join(' ')} with --dir ${what}`,
  args: (f) => ['auth', ...command, '--dir', dir(f)],
  code: 1,
  names: (f) => [dir(f)],
});

const dirRows: Row[] = [
  badDir(['init', '--force'], 'a file', (f) => input(f, 'a-file')),
  badDir(['init', '--force'], 'under a file', (f) => join(input(f, 'a-file'), 'auth')),
  badDir(['init', '--force'], 'in /proc', () => '/proc/jetbus-auth'),
  badDir(['apply'], 'a file', (f) => input(f, 'a-file')),
  badDir(['add-user', 'APP', 'billing', '--role', 'operations'], 'a file', (f) => input(f, 'a-file')),
  badDir(['revoke', 'APP', 'api'], 'in /proc', () => '/proc/jetbus-auth'),
  badDir(['creds', 'APP', 'api'], 'that does not exist', (f) => input(f, 'no-such-dir')),
];

const failure = (
  name: string,
  args: (f: Fixture, cwd: string) => string[],
  names: (f: Fixture, cwd: string) => string[],
  more: Partial<Row> = {},
): Row => ({
  name,
  args,
  code: 1,
  names,
  ...more,
});

const referenceRows: Row[] = [
  failure(
    'add-user to an unknown account',
    () => ['auth', 'add-user', 'NOPE', 'x', '--role', 'operations'],
    () => ['unknown account "NOPE"'],
    { policyErrors: true },
  ),
  failure(
    'add-user that exists',
    () => ['auth', 'add-user', 'APP', 'api', '--role', 'operations'],
    () => ['user "api" already exists'],
    { policyErrors: true },
  ),
  failure(
    'add-user with an unknown role',
    () => ['auth', 'add-user', 'APP', 'x', '--role', 'opertions'],
    () => ['unknown role "opertions"'],
    { policyErrors: true },
  ),
  failure(
    'add-user with a name that is a path',
    () => ['auth', 'add-user', 'APP', '../../etc', '--role', 'operations'],
    () => ['../../etc'],
    { policyErrors: true },
  ),
  failure(
    'add-user with a bad CIDR',
    () => ['auth', 'add-user', 'APP', 'x', '--role', 'operations', '--allow-cidr', '10.0.0.0/99'],
    () => ['10.0.0.0/99'],
    { policyErrors: true },
  ),
  failure(
    'add-user with a wildcard inbox prefix',
    () => ['auth', 'add-user', 'APP', 'x', '--role', 'operations', '--user-inbox-prefix', '_INBOX.>'],
    () => ['inboxPrefix'],
    { policyErrors: true },
  ),
  failure(
    'revoke an unknown user',
    () => ['auth', 'revoke', 'APP', 'nobody'],
    () => ['no user "nobody"'],
    {
      policyErrors: true,
    },
  ),
  failure(
    'revoke --rotate a user without a key',
    () => ['auth', 'revoke', 'APP', 'ghost', '--rotate'],
    () => ['ghost'],
  ),
  failure(
    'creds of an unknown user',
    () => ['auth', 'creds', 'APP', 'nobody'],
    () => ['no creds for APP/nobody'],
  ),
];

const serverRows: Row[] = [
  failure(
    'apply to a refused port',
    (f) => ['auth', 'apply', '--server', f.refused],
    (f) => [f.refused],
  ),
  failure(
    'revoke against a refused port',
    (f) => ['auth', 'revoke', 'APP', 'api', '--server', f.refused],
    (f) => [f.refused],
  ),
  failure(
    'add-user against a refused port',
    (f) => ['auth', 'add-user', 'APP', 'b', '--role', 'operations', '--server', f.refused],
    (f) => [f.refused],
  ),
  failure(
    'apply to an unresolvable host',
    () => ['auth', 'apply', '--server', 'nats://no-such-host.invalid:4222', '--timeout', '2000'],
    () => ['no-such-host.invalid'],
    { timeoutMs: 2000 },
  ),
  ...(['apply', 'diff'] as const).map((command) =>
    failure(
      `${command} against a silent port`,
      (f) => ['auth', command, '--server', f.silent, '--timeout', SHORT],
      (f) => [f.silent],
      {
        timeoutMs: Number(SHORT),
      },
    ),
  ),
  failure(
    'revoke against a silent port',
    (f) => ['auth', 'revoke', 'APP', 'api', '--server', f.silent, '--timeout', SHORT],
    (f) => [f.silent],
    {
      timeoutMs: Number(SHORT),
    },
  ),
  failure(
    'add-user against a silent port',
    (f) => ['auth', 'add-user', 'APP', 'b', '--role', 'operations', '--server', f.silent, '--timeout', SHORT],
    (f) => [f.silent],
    {
      timeoutMs: Number(SHORT),
    },
  ),
  failure(
    'revoke SYS sys --rotate against a silent port',
    (f) => ['auth', 'revoke', 'SYS', 'sys', '--rotate', '--server', f.silent, '--timeout', SHORT],
    (f) => [f.silent],
    {
      timeoutMs: Number(SHORT),
    },
  ),
  failure(
    'apply through $NATS_URL to a silent port',
    () => ['auth', 'apply', '--timeout', SHORT],
    (f) => [f.silent],
    {
      timeoutMs: Number(SHORT),
      env: (f) => ({ NATS_URL: f.silent }),
    },
  ),
  failure(
    'revoke through $NATS_URL to a refused port',
    () => ['auth', 'revoke', 'APP', 'api'],
    (f) => [f.refused],
    {
      env: (f) => ({ NATS_URL: f.refused }),
    },
  ),
  failure(
    'apply --creds that do not exist',
    (f) => ['auth', 'apply', '--server', f.nats, '--creds', input(f, 'missing.creds')],
    (f) => [input(f, 'missing.creds')],
  ),
  failure(
    'apply --creds that are garbage',
    (f) => ['auth', 'apply', '--server', f.nats, '--creds', input(f, 'garbage.creds')],
    (f) => [input(f, 'garbage.creds')],
  ),
  failure(
    'revoke --creds that are empty',
    (f) => ['auth', 'revoke', 'APP', 'api', '--server', f.nats, '--creds', input(f, 'empty.creds')],
    (f) => [input(f, 'empty.creds')],
  ),
  failure(
    'apply --creds of another operator',
    (f) => ['auth', 'apply', '--server', f.nats, '--creds', input(f, 'other-operator.creds')],
    (f) => [f.nats],
  ),
  failure(
    'apply --creds of an app user (no claims permission)',
    (f, cwd) => [
      'auth',
      'apply',
      '--server',
      f.nats,
      '--creds',
      join(cwd, '.jetbus/auth/creds/APP/admin.creds'),
      '--timeout',
      '1500',
    ],
    (f) => [f.nats],
    { timeoutMs: 1500 },
  ),
  failure(
    'apply with no system creds in --dir',
    (f) => ['auth', 'apply', '--server', f.nats, '--dir', input(f, 'empty-auth')],
    (f) => ['no system account creds', input(f, 'empty-auth')],
  ),
  failure(
    'apply --server tls:// to a plain server',
    (f) => ['auth', 'apply', '--server', f.nats.replace('nats://', 'tls://')],
    () => ['TLS'],
  ),
  failure(
    'apply --tls-ca that does not exist',
    (f) => ['auth', 'apply', '--server', f.nats, '--tls-ca', input(f, 'missing-ca.pem')],
    (f) => [input(f, 'missing-ca.pem')],
  ),
];

const rows: Row[] = [...usageRows, ...policyRows, ...dirRows, ...referenceRows, ...serverRows];

const OTHER_OPERATOR = `
operator: { name: someone-else }
accounts: { APP: { users: { api: { publish: { allow: [x] } } } } }
`;

describe('jetbus auth, called wrong', () => {
  let root: string;
  let template: string;
  let server: NatsServer;
  let fixture: Fixture;
  let inputsBefore: string[];
  const closers: (() => Promise<void>)[] = [];
  const results = new Map<string, { run: CliRun; before: string[]; after: string[]; cwd: string }>();

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'jetbus-auth-bad-'));
    template = join(root, 'template');
    await mkdir(template);
    const policy = join(template, 'jetbus-auth.yaml');
    await writeFile(policy, STARTER_POLICY);
    await applyPolicy({
      policy: parsePolicy(STARTER_POLICY, { source: policy }),
      dir: join(template, '.jetbus/auth'),
    });
    const auth = await readFile(authPaths(join(template, '.jetbus/auth')).serverConfig, 'utf8');
    server = await NatsServer.start({ jetstream: true, config: auth });

    const inputs = join(root, 'inputs');
    await mkdir(join(inputs, 'a-directory'), { recursive: true });
    await mkdir(join(inputs, 'empty-auth'));
    const files: Record<string, string | Buffer> = {
      'a-file': 'not a directory\n',
      'syntax.yaml': 'operator: { name: x\naccounts: [\n',
      'syntax.json': '{"operator": {"name": "x"}, "accounts": {',
      'huge.yaml': `# ${'x'.repeat(2 * 1024 * 1024)}\n`,
      'accounts-a-number.yaml': 'operator: { name: x }\naccounts: 5\n',
      'wrong-types.json': '{"operator": "jetbus", "accounts": {"APP": {"users": []}}}',
      'unknown-role.yaml': STARTER_POLICY.replace('roles: [orders-producer]', 'roles: [prodcer]'),
      'unknown-field.yaml': STARTER_POLICY.replace('  name: jetbus\n', '  name: jetbus\n  colour: blue\n'),
      'empty.yaml': '',
      'alias-bomb.yaml': [
        'a: &a [x, x, x, x, x, x, x, x, x, x]',
        ...Array.from({ length: 9 }, (_, i) => {
          const prev = String.fromCharCode(97 + i);
          const next = String.fromCharCode(98 + i);
          return `${next}: &${next} [${Array(10).fill(`*${prev}`).join(', ')}]`;
        }),
        'operator: { name: x }',
        'accounts: {}',
      ].join('\n'),
      'binary.yaml': Buffer.from([0x00, 0xff, 0x1b, 0x5b, 0x32, 0x4a, 0xfe, 0x0a, 0x3a, 0x3a, 0x7b]),
      'reaper-without-subjects.yaml': STARTER_POLICY.replace(
        '  operations:\n',
        '  dead-letters:\n    reaper: { streams: [ORDERS] }\n  operations:\n',
      ),
      'sys-declared.yaml': `${STARTER_POLICY}  SYS:\n    users: { x: { roles: [operations] } }\n`,
      'garbage.creds': 'not a creds file\n\u001b[31mred\u001b[0m\n',
      'empty.creds': '',
    };
    for (const [name, content] of Object.entries(files)) await writeFile(join(inputs, name), content);
    const other = join(root, 'other');
    await applyPolicy({ policy: parsePolicy(OTHER_OPERATOR), dir: other });
    await writeFile(
      join(inputs, 'other-operator.creds'),
      await readFile(authPaths(other).creds('SYS', 'sys')),
    );

    const silent = await silentServer();
    closers.push(silent.close);
    fixture = { nats: server.url, silent: silent.url, refused: await refusedUrl(), inputs };
    inputsBefore = await hashTree(inputs);

    // Four at a time: most rows are a second of process start-up, the silent ones wait their deadline.
    await mapLimit(
      rows.map((row, i) => ({ row, i })),
      4,
      async ({ row, i }) => {
        const cwd = join(root, `row-${i}`);
        // cp -a keeps the 0700/0600 modes the key store insists on.
        await promisify(execFile)('cp', ['-a', template, cwd]);
        const before = await hashTree(cwd);
        const run = await jetbus(row.args(fixture, cwd), {
          cwd,
          ...(row.env ? { env: row.env(fixture) } : {}),
        });
        results.set(row.name, { run, before, after: await hashTree(cwd), cwd });
      },
    );
  }, 240_000);

  afterAll(async () => {
    for (const close of closers) await close().catch(() => undefined);
    await server?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('has at least 50 rows, each named once', () => {
    expect(rows.length).toBeGreaterThanOrEqual(50);
    expect(new Set(rows.map((r) => r.name)).size).toBe(rows.length);
  });

  it('left the shared inputs alone', async () => {
    expect(await hashTree(fixture.inputs)).toEqual(inputsBefore);
  });

  it.each(rows.map((r) => [r.name, r] as const))('%s', (_name, row) => {
    const result = results.get(row.name);
    expect(result).toBeDefined();
    const { run, before, after, cwd } = result as NonNullable<typeof result>;
    const { code, stdout, stderr, ms } = run;
    const lines = /^error: [^\n]+\n$/.test(stderr);
    const policyList = /^error: invalid auth policy [^\n]+: \d+ errors?\n(?: {2}- [^\n]+\n)+$/.test(stderr);
    // One object, so a failing row shows everything at once (args and output included).
    expect({
      context: { args: row.args(fixture, cwd), stdout, stderr, ms },
      code,
      oneLine: row.policyErrors ? lines || policyList : lines,
      stackTrace: /\n\s+at /.test(stderr) || /\n\s+at /.test(stdout),
      names: (row.names?.(fixture, cwd) ?? []).filter((n) => !stderr.includes(n)),
      inTime: ms < 2 * (row.timeoutMs ?? 5_000) + 1_000 + STARTUP_BUDGET_MS,
      written: after.length === before.length && after.every((line, i) => line === before[i]),
    }).toEqual({
      context: { args: row.args(fixture, cwd), stdout, stderr, ms },
      code: row.code,
      oneLine: true,
      stackTrace: false,
      names: [],
      inTime: true,
      written: true,
    });
  });
});
