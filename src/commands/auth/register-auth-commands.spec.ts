import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = [
  '-r',
  join(__dirname, '..', '..', '..', 'scripts', 'register-ts.js'),
  join(__dirname, '..', '..', 'main.ts'),
];
/**
 * The commands through commander itself, in a child process (the real src/main.ts, TypeScript compiled on load by scripts/register-ts.js: commander 15 is an
 * ES module that Jest's CommonJS runtime cannot load): argument and
 * option parsing, --json, exit codes. The actions are tested in-process in auth-actions.int.ts.
 */
function jetbus(cwd: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...CLI, ...args], { cwd, timeout: 30_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

// Each run is a process that compiles its TypeScript on load: seconds on a busy machine, not ms.
const CLI_TEST_TIMEOUT_MS = 60_000;

describe('registerAuthCommands', () => {
  let cwd: string;
  beforeAll(async () => (cwd = await mkdtemp(join(tmpdir(), 'jetbus-cli-'))));
  afterAll(() => rm(cwd, { recursive: true, force: true }));

  it(
    'runs init, add-user, creds and diff with their defaults',
    async () => {
      const init = await jetbus(cwd, 'auth', 'init');
      expect(init).toMatchObject({ code: 0, stderr: '' });
      expect(init.stdout).toContain(`wrote the starter policy ${join(cwd, 'jetbus-auth.yaml')}`);
      expect(init.stdout).toContain(join(cwd, '.jetbus/auth/creds/APP/api.creds'));
      expect(init.stdout).toContain('  include ".jetbus/auth/server-auth.conf"\n');

      const add = await jetbus(
        cwd,
        'auth',
        'add-user',
        'APP',
        'billing',
        '--role',
        'orders-producer',
        '--role',
        'orders-worker',
        '--json',
      );
      expect(add.code).toBe(0);
      expect(JSON.parse(add.stdout)).toMatchObject({ account: 'APP', user: 'billing' });
      expect(await readFile(join(cwd, 'jetbus-auth.yaml'), 'utf8')).toContain('- orders-worker');

      const creds = await jetbus(cwd, 'auth', 'creds', 'APP', 'billing');
      expect(creds).toEqual({
        code: 0,
        stdout: `${join(cwd, '.jetbus/auth/creds/APP/billing.creds')}\n`,
        stderr: '',
      });

      const diff = await jetbus(cwd, 'auth', 'diff', '--json');
      expect(JSON.parse(diff.stdout).changes.map((c: { kind: string }) => c.kind)).toEqual([
        'unchanged',
        'unchanged',
      ]);
    },
    CLI_TEST_TIMEOUT_MS,
  );

  it(
    'fails with each policy error on its own line and exit code 1',
    async () => {
      const result = await jetbus(cwd, 'auth', 'add-user', 'APP', 'typo', '--role', 'prodcer');
      expect(result.code).toBe(1);
      const file = join(cwd, 'jetbus-auth.yaml');
      expect(result.stderr.split('\n')).toEqual([
        `error: invalid auth policy ${file}: 1 error`,
        expect.stringMatching(
          new RegExp(
            `^  - accounts\\.APP\\.users\\.typo\\.roles\\[0\\]: unknown role "prodcer" \\(${file}:\\d+:\\d+\\)$`,
          ),
        ),
        '',
      ]);
      expect(await readFile(file, 'utf8')).not.toContain('typo');
    },
    CLI_TEST_TIMEOUT_MS,
  );
});
