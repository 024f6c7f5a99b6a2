import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { type AdminOptions } from '@jetbus/admin';
import { call, loginClient, useAdmin } from '../support/use-admin';

const ROOT = join(__dirname, '..', '..');
/** The real CLI, TypeScript compiled on load, as test/cli runs it. */
const CLI = ['-r', join(ROOT, 'scripts', 'register-ts.js'), join(ROOT, 'src', 'main.ts')];

/** Runs `jetbus <args>` with `stdin` piped in (not a terminal, so hash-password reads it). */
function jetbus(
  args: string[],
  stdin = '',
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('jetbus admin hash-password and token, used by the admin app', () => {
  const PASSWORD = 'from the CLI: ünïcödé & spaces';
  // useAdmin() reads its options in its beforeAll, which runs after this one.
  const options: Partial<AdminOptions> = {};
  let token = '';
  beforeAll(async () => {
    const hashed = await jetbus(['admin', 'hash-password'], `${PASSWORD}\n`);
    expect(hashed).toEqual({
      code: 0,
      stdout: expect.stringMatching(/^scrypt\$32768\$8\$1\$\S+\n$/),
      stderr: '',
    });
    const issued = await jetbus(['admin', 'token', '--name', 'deploy', '--role', 'operator', '--json']);
    expect(issued.code).toBe(0);
    const printed = JSON.parse(issued.stdout) as {
      token: string;
      entry: { name: string; role: 'operator'; sha256: string };
    };
    token = printed.token;
    options.users = [{ name: 'cli-user', role: 'admin', passwordHash: hashed.stdout.trim() }];
    options.tokens = [printed.entry];
  });
  const t = useAdmin(options);

  it('the printed hash signs its user in with the password, and only with it', async () => {
    const s = await loginClient(t.url, 'cli-user', PASSWORD);
    expect((await s.get('/api/auth/session')).body).toMatchObject({
      name: 'cli-user',
      role: 'admin',
      via: 'password',
    });
    const wrong = await call(
      t.url,
      'POST',
      '/api/auth/login',
      {},
      { username: 'cli-user', password: `${PASSWORD}\n` },
    );
    expect(wrong.status).toBe(401);
  });

  it('the printed token authenticates as the entry it printed', async () => {
    const res = await call(t.url, 'GET', '/api/auth/session', { authorization: `Bearer ${token}` });
    expect(res.body).toEqual({ name: 'deploy', role: 'operator', via: 'token', csrfToken: '' });
  });

  it('bad usage exits 2 with one line and prints no token', async () => {
    expect(await jetbus(['admin', 'token', '--name', 'ci', '--role', 'root'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: --role must be one of viewer, operator, admin\n',
    });
    expect(await jetbus(['admin', 'hash-password'], '')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: empty password\n',
    });
  });
});
