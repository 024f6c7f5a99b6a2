import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import { AuthFileError } from '../errors/auth-file.error';
import { ensureDir } from './ensure-dir';

export interface WriteFileAtomicOptions {
  /** Mode of the file. */
  mode: number;
  /**
   * Mode of the parent directories it creates and of the parent itself. Without it missing parents
   * are created with the default mode and an existing parent is left alone (a policy file's).
   */
  dirMode?: number;
}

/**
 * Writes `file` so that readers see the old content or the new one, never a mix: a temp file in
 * the same directory (0600 from its creation, so a seed is never readable by others), fsync, then
 * rename over the target, then fsync of the directory so the rename survives a crash. A failure
 * leaves the target untouched and removes the temp file.
 */
export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  options: WriteFileAtomicOptions,
): Promise<void> {
  const dir = dirname(file);
  if (options.dirMode !== undefined) await ensureDir(dir, options.dirMode);
  else
    await mkdir(dir, { recursive: true }).catch((e: unknown) =>
      Promise.reject(AuthFileError.from(e, 'create directory', dir)),
    );
  const tmp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(data);
      await handle.chmod(options.mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw AuthFileError.from(e, 'write', file);
  }
  await syncDir(dir);
}

/** Makes a rename in `dir` durable; some file systems cannot fsync a directory, which is fine. */
async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Best effort: the data itself was synced before the rename.
  }
}
