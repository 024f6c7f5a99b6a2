import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tokenDigest } from '@jetbus/admin';
import { natsFixture } from '../support/use-jetbus';
import { call } from '../support/use-admin';

const ROOT = join(__dirname, '..', '..');
/** The real CLI, TypeScript compiled on load, as test/cli runs it. */
const CLI = ['-r', join(ROOT, 'scripts', 'register-ts.js'), join(ROOT, 'src', 'main.ts')];

interface Running {
  child: ChildProcessWithoutNullStreams;
  stdout: string;
  stderr: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `jetbus <args>` (no NATS_* variables of ours) and collects its output. */
function start(args: string[]): Running {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('NATS_')));
  const child = spawn(process.execPath, [...CLI, ...args], {
    env: { ...env, JETBUS_LOG_LEVEL: 'warn' },
    stdio: 'pipe',
  });
  const run: Running = {
    child,
    stdout: '',
    stderr: '',
    exited: new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal }))),
  };
  child.stdout.on('data', (d: Buffer) => (run.stdout += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (run.stderr += d.toString('utf8')));
  return run;
}

/** Waits until the process printed `pattern` on stdout (or exited, which fails the test). */
async function printed(run: Running, pattern: RegExp): Promise<RegExpExecArray> {
  let gone = false;
  void run.exited.then(() => (gone = true));
  for (;;) {
    const match = pattern.exec(run.stdout);
    if (match) return match;
    if (gone) throw new Error(`exited before printing ${pattern}: ${run.stdout}${run.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('jetbus admin', () => {
  const nats = natsFixture({}, async () => undefined);
  const children: Running[] = [];
  afterAll(async () => {
    for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGKILL');
  });
  const run = (args: string[]) => {
    const r = start(args);
    children.push(r);
    return r;
  };

  it('with --dev and no users: prints its URL and a one-time admin login that works, and stops on SIGTERM', async () => {
    const app = run(['admin', '--dev', '--port', '0', '--server', nats.server.url]);
    const [, url] = await printed(app, /^jetbus admin listening on (http:\/\/127\.0\.0\.1:\d+)$/m);
    const [, user, password] = await printed(
      app,
      /^dev login \(this run only\): user (\S+), password (\S+)$/m,
    );
    expect(user).toBe('dev');
    expect(password).toMatch(/^[\w-]{24}$/);

    expect((await call(url, 'GET', '/health', {})).status).toBe(200);
    const login = await call<{ name: string; role: string }>(
      url,
      'POST',
      '/api/auth/login',
      {},
      { username: user, password },
    );
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ name: 'dev', role: 'admin', via: 'password' });
    const wrong = await call(
      url,
      'POST',
      '/api/auth/login',
      {},
      { username: user, password: `${password}x` },
    );
    expect(wrong.status).toBe(401);

    app.child.kill('SIGTERM');
    expect(await app.exited).toEqual({ code: 0, signal: null });
    expect(app.stderr).toBe('');
  });

  it('offers no client certificate in its help (it refuses one: below)', async () => {
    const help = run(['admin', 'start', '--help']);
    expect(await help.exited).toEqual({ code: 0, signal: null });
    expect(help.stdout).toContain('--creds <file>');
    expect(help.stdout).not.toContain('--tls-cert');
    expect(help.stdout).not.toContain('--tls-key');
  });

  it('refuses to start with no way to sign in and no --dev (exit 2, one line)', async () => {
    const app = run(['admin', 'start', '--port', '0', '--server', nats.server.url]);
    expect(await app.exited).toEqual({ code: 2, signal: null });
    expect(app.stderr).toBe(
      'error: no way to sign in: configure users, tokens or oidc (--config <file>), ' +
        'or pass --dev for a one-time admin login on this machine\n',
    );
    expect(app.stdout).toBe('');
  });

  it('takes its options from --config (YAML), --port over the file, and refuses --dev next to users', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jetbus-admin-cli-'));
    const token = 'jbt_cli_test_token_0123456789abcdef';
    const config = join(dir, 'admin.yaml');
    writeFileSync(
      config,
      [
        'port: 1',
        `nats: { servers: ${nats.server.url} }`,
        'tokens:',
        `  - { name: ci, role: viewer, sha256: ${tokenDigest(token)} }`,
        'sampleIntervalMs: 1000',
      ].join('\n'),
    );
    const app = run(['admin', '--config', config, '--port', '0']);
    const [, url] = await printed(app, /listening on (\S+)$/m);
    const workers = await call(url, 'GET', '/api/workers', { authorization: `Bearer ${token}` });
    expect(workers.status).toBe(200);
    app.child.kill('SIGINT');
    expect(await app.exited).toEqual({ code: 0, signal: null });
    expect(app.stdout).not.toContain('dev login');

    const both = run(['admin', '--config', config, '--port', '0', '--dev']);
    expect(await both.exited).toEqual({ code: 2, signal: null });
    expect(both.stderr).toBe('error: --dev is only for an app with no users, tokens or oidc configured\n');
  });

  it.each([
    [['--port', '70000'], 'error: --port must be a number from 0 to 65535, got "70000"\n', 2],
    [
      ['--host', 'http://x'],
      'error: --host must be an interface address such as 127.0.0.1 or ::1, got "http://x"\n',
      2,
    ],
    [
      ['--config', '/nonexistent/admin.yaml'],
      'error: cannot read config file /nonexistent/admin.yaml: no such file\n',
      1,
    ],
    [
      ['--tls-cert', 'c.pem', '--tls-key', 'k.pem', '--dev'],
      'error: the admin app does not take a client certificate (--tls-cert/--tls-key); use --creds\n',
      2,
    ],
  ])('refuses %j', async (args, message, code) => {
    const app = run(['admin', ...args]);
    expect(await app.exited).toEqual({ code, signal: null });
    expect(app.stderr).toBe(message);
  });

  it('names a bad option in the config file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jetbus-admin-cli-'));
    const config = join(dir, 'admin.json');
    writeFileSync(config, JSON.stringify({ sampleIntervalMs: 5, tokens: [] }));
    const app = run(['admin', '--config', config, '--dev', '--server', nats.server.url]);
    expect(await app.exited).toEqual({ code: 1, signal: null });
    expect(app.stderr).toMatch(/^error: .*sampleIntervalMs.*\n$/);

    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'users: [unclosed');
    const bad = run(['admin', '--config', broken, '--dev', '--server', nats.server.url]);
    expect(await bad.exited).toEqual({ code: 1, signal: null });
    expect(bad.stderr).toMatch(new RegExp(`^error: config file ${broken} is not YAML or JSON: .+\n$`));

    const list = join(dir, 'list.yaml');
    writeFileSync(list, '- port: 1');
    const notObject = run(['admin', '--config', list, '--dev', '--server', nats.server.url]);
    expect(await notObject.exited).toEqual({ code: 1, signal: null });
    expect(notObject.stderr).toBe(`error: config file ${list} must hold an object of admin options\n`);
  });
});
