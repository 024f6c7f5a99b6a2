import { tokenDigest, verifyPassword } from '@jetbus/admin';
import { type CommandIo } from '../cli-io';
import { UsageError } from '../usage.error';
import { hashPasswordAction, tokenAction } from './admin-credential-actions';
import { type SecretInput } from './secret-input';

function captureIo(): CommandIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout: (text: string) => void (io.out += text),
    stderr: (text: string) => void (io.err += text),
    setExitCode: () => undefined,
  };
  return io;
}

const piped = (text: string): SecretInput => ({
  isTerminal: () => false,
  prompt: () => Promise.reject(new Error('no terminal')),
  readAll: () => Promise.resolve(text),
});

const typed = (...answers: string[]): SecretInput & { questions: string[] } => {
  const questions: string[] = [];
  return {
    questions,
    isTerminal: () => true,
    prompt: (q) => {
      questions.push(q);
      return Promise.resolve(answers.shift() ?? '');
    },
    readAll: () => Promise.reject(new Error('not piped')),
  };
};

describe('hashPasswordAction', () => {
  it('hashes piped stdin without its final line break, printing only the hash', async () => {
    const io = captureIo();
    await hashPasswordAction(io, piped('pipe secret\n'));
    expect(io.out).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+\n$/);
    expect(await verifyPassword('pipe secret', io.out.trim())).toBe(true);
    expect(await verifyPassword('pipe secret\n', io.out.trim())).toBe(false);
    expect(io.err).toBe('');
  });

  it('asks twice at a terminal and hashes when both answers match', async () => {
    const io = captureIo();
    const input = typed('typed secret', 'typed secret');
    await hashPasswordAction(io, input);
    expect(input.questions).toEqual(['Password: ', 'Repeat password: ']);
    expect(await verifyPassword('typed secret', io.out.trim())).toBe(true);
  });

  it('refuses answers that differ, an empty password and one longer than the login accepts', async () => {
    await expect(hashPasswordAction(captureIo(), typed('one', 'two'))).rejects.toThrow(
      'the passwords do not match',
    );
    await expect(hashPasswordAction(captureIo(), piped('\n'))).rejects.toThrow(
      new UsageError('empty password'),
    );
    await expect(hashPasswordAction(captureIo(), piped('x'.repeat(1025)))).rejects.toThrow(UsageError);
  });
});

describe('tokenAction', () => {
  it('prints a new token once and the config entry holding its SHA-256', async () => {
    const io = captureIo();
    await tokenAction({ name: 'ci', role: 'operator', json: true }, io);
    const { token, entry } = JSON.parse(io.out) as { token: string; entry: Record<string, string> };
    expect(token).toMatch(/^jbt_[A-Za-z0-9_-]{43}$/);
    expect(entry).toEqual({ name: 'ci', role: 'operator', sha256: tokenDigest(token) });
  });

  it('prints people a paste-ready YAML entry', async () => {
    const io = captureIo();
    await tokenAction({ name: 'deploy-bot', role: 'viewer' }, io);
    const token = /: (jbt_\S+)\n/.exec(io.out)?.[1] ?? '';
    expect(io.out.split('\n').slice(1)).toEqual([
      '',
      'add to the admin config under `tokens:`',
      '  - name: deploy-bot',
      '    role: viewer',
      `    sha256: ${tokenDigest(token)}`,
      '',
    ]);
  });

  it('gives a different token every time', async () => {
    const a = captureIo();
    const b = captureIo();
    await tokenAction({ name: 'x', role: 'admin', json: true }, a);
    await tokenAction({ name: 'x', role: 'admin', json: true }, b);
    expect(JSON.parse(a.out).token).not.toBe(JSON.parse(b.out).token);
  });

  it.each([
    [{ name: 'has space', role: 'admin' }, '--name must be 1-64 letters, digits or . _ @ -'],
    [{ name: 'x'.repeat(65), role: 'admin' }, '--name must be 1-64 letters, digits or . _ @ -'],
    [{ name: 'ci', role: 'root' }, '--role must be one of viewer, operator, admin'],
  ])('refuses %j as bad usage, printing no token', async (options, message) => {
    const io = captureIo();
    await expect(tokenAction(options, io)).rejects.toThrow(new UsageError(message));
    expect(io.out).toBe('');
  });
});
