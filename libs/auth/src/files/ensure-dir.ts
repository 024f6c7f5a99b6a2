import { chmod, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AuthFileError } from '../errors/auth-file.error';

/**
 * `mkdir -p` that gives every directory it creates exactly `mode`: `mkdir`'s own mode is reduced by
 * the umask. Existing directories are left alone (the key store refuses, rather than fixes, a key
 * directory others can read).
 */
export async function ensureDir(dir: string, mode: number): Promise<void> {
  try {
    const created = await mkdir(dir, { recursive: true, mode });
    if (created !== undefined) {
      for (let d = dir; ; d = dirname(d)) {
        await chmod(d, mode);
        if (d === created || d === dirname(d)) break;
      }
    }
  } catch (e) {
    throw AuthFileError.from(e, 'create directory', dir);
  }
}
