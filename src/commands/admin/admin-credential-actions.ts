import { randomBytes } from 'node:crypto';
import { type CommandIo, print } from '../cli-io';
import { UsageError } from '../usage.error';
import { loadAdmin } from './load-admin';
import { type SecretInput } from './secret-input';

/** The admin app's roles and name rule (`AdminTokenOptions`), checked here so a typo fails before printing a token. */
const ROLES = ['viewer', 'operator', 'admin'] as const;
const NAME = /^[\w.@-]{1,64}$/;

/** Longest password accepted: what the app's login accepts. */
const MAX_PASSWORD_LENGTH = 1024;

/**
 * The password to hash: typed twice at a terminal (no echo), or the whole of stdin without its
 * final line break (`printf %s "$PW" | jetbus admin hash-password`).
 */
async function readPassword(input: SecretInput): Promise<string> {
  if (input.isTerminal()) {
    const first = await input.prompt('Password: ');
    const again = await input.prompt('Repeat password: ');
    if (first !== again) throw new Error('the passwords do not match');
    return first;
  }
  return (await input.readAll()).replace(/\r?\n$/, '');
}

/** `jetbus admin hash-password`: prints the scrypt hash for a user's `passwordHash`, nothing else. */
export async function hashPasswordAction(io: CommandIo, input: SecretInput): Promise<void> {
  const password = await readPassword(input);
  if (!password) throw new UsageError('empty password');
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new UsageError(
      `the password is longer than ${MAX_PASSWORD_LENGTH} characters (the login refuses it)`,
    );
  }
  const { hashPassword } = await loadAdmin();
  io.stdout(`${await hashPassword(password)}\n`);
}

export interface TokenCommandOptions {
  name: string;
  role: string;
  json?: boolean;
}

/**
 * `jetbus admin token --name <n> --role <r>`: a new random token, printed this once, and the
 * `tokens:` entry (its SHA-256, never the token) to paste into the app's config.
 */
export async function tokenAction(options: TokenCommandOptions, io: CommandIo): Promise<void> {
  if (!NAME.test(options.name)) throw new UsageError('--name must be 1-64 letters, digits or . _ @ -');
  const role = ROLES.find((r) => r === options.role);
  if (!role) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
  const { tokenDigest } = await loadAdmin();
  const token = `jbt_${randomBytes(32).toString('base64url')}`;
  const entry = { name: options.name, role, sha256: tokenDigest(token) };
  print(io, options.json ?? false, { token, entry }, () => [
    `token (shown only now; the app keeps only its hash): ${token}`,
    '',
    'add to the admin config under `tokens:`',
    `  - name: ${entry.name}`,
    `    role: ${entry.role}`,
    `    sha256: ${entry.sha256}`,
  ]);
}
