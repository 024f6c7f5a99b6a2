import { randomBytes } from 'node:crypto';
import { existsSync, openSync, closeSync, renameSync, writeSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { type KeyRingFile, KeyRing, fileKeyProvider } from '@jetbus/core/ops';
import { type CommandIo, print } from '../cli-io';
import { UsageError } from '../usage.error';

export interface KeysGenerateOptions {
  file: string;
  kid?: string;
  print?: boolean;
  json?: boolean;
}

export interface KeysRotateOptions extends KeysGenerateOptions {
  retire?: string[];
}

/** A key id that sorts by creation day and does not collide: `k20261130-3f9a1c`. */
export const newKeyId = (now = new Date()): string =>
  `k${now.toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(3).toString('hex')}`;

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

function checkKid(kid: string | undefined): string {
  const id = kid ?? newKeyId();
  if (!KEY_ID.test(id))
    throw new UsageError(`--kid must be 1 to 64 letters, digits, ".", "_" or "-", got "${id}"`);
  return id;
}

/**
 * Writes the ring owner-only: a temp file created 0600 in the same directory (never readable by
 * others, even for a moment), then renamed over the old one so a crash leaves one whole file.
 */
function writeRing(path: string, ring: KeyRingFile, exclusive: boolean): void {
  const text = `${JSON.stringify(ring, null, 2)}\n`;
  if (exclusive) {
    const fd = openSync(path, 'wx', 0o600);
    try {
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
    return;
  }
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** What the command says: key ids, never key material unless `--print`. */
function report(io: CommandIo, options: KeysGenerateOptions, ring: KeyRingFile, verb: string): void {
  const ids = Object.keys(ring.keys);
  const value: Record<string, unknown> = { file: options.file, current: ring.current, keys: ids };
  // The env form (`<kid>:<base64>,…`, current first) is what envKeyProvider reads.
  const env = [ring.current, ...ids.filter((id) => id !== ring.current)]
    .map((id) => `${id}:${ring.keys[id]}`)
    .join(',');
  if (options.print) value.env = env;
  print(io, options.json ?? false, value, () => [
    `${verb} ${options.file} (mode 0600): current key ${ring.current}; keys ${ids.join(', ')}`,
    options.print
      ? `JETBUS_ENCRYPTION_KEYS=${env}`
      : 'key material not shown (use --print to print it in the JETBUS_ENCRYPTION_KEYS form)',
  ]);
}

/** `jetbus keys generate`: a new key ring file holding one new key, which is current. */
export async function generateAction(options: KeysGenerateOptions, io: CommandIo): Promise<void> {
  const kid = checkKid(options.kid);
  if (existsSync(options.file))
    throw new UsageError(
      `${options.file} exists; use "jetbus keys rotate --file ${options.file}" to add a key`,
    );
  const ring: KeyRingFile = { current: kid, keys: { [kid]: randomBytes(32).toString('base64') } };
  writeRing(options.file, ring, true);
  report(io, options, ring, 'wrote');
}

/**
 * `jetbus keys rotate`: adds a new key and makes it current; the older keys stay, so their jobs
 * still decrypt. `--retire <kid>` removes an old key (never the current one) once its jobs are gone.
 */
export async function rotateAction(options: KeysRotateOptions, io: CommandIo): Promise<void> {
  const existing = fileKeyProvider(options.file); // refuses a file others can read
  const keys: Record<string, string> = {};
  for (const id of existing.ids) keys[id] = Buffer.from(existing.findKey(id)!.key).toString('base64');
  const kid = checkKid(options.kid);
  if (kid in keys) throw new UsageError(`key "${kid}" is already in ${options.file}`);
  for (const id of options.retire ?? []) {
    if (!(id in keys)) throw new UsageError(`--retire ${id}: no such key in ${options.file}`);
    delete keys[id];
  }
  keys[kid] = randomBytes(32).toString('base64');
  const ring: KeyRingFile = { current: kid, keys };
  new KeyRing(options.file, kid, keys); // the same checks a worker makes
  writeRing(options.file, ring, false);
  report(io, options, ring, 'rotated');
}
