import { randomBytes } from 'node:crypto';
import { open, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AuthFileError } from '../errors/auth-file.error';

const code = (e: unknown): string | undefined => (e as NodeJS.ErrnoException | null)?.code;

/**
 * Checks, before anything is pushed or written, that `dir` is (or can be created as) a writable
 * directory: its nearest existing ancestor must be a directory we can create a file in. Probing with
 * a real (deleted) temp file catches what `access()` misses: read-only mounts, root on /proc.
 * Running this first is what lets a command fail with nothing written rather than halfway.
 */
export async function checkWritableDir(dir: string): Promise<void> {
  let existing = dir;
  for (;;) {
    try {
      const s = await stat(existing);
      if (!s.isDirectory()) {
        const reason = existing === dir ? 'it is not a directory' : `${existing} is not a directory`;
        throw new AuthFileError('use directory', dir, reason);
      }
      break;
    } catch (e) {
      if (e instanceof AuthFileError) throw e;
      if (code(e) !== 'ENOENT' || dirname(existing) === existing)
        throw AuthFileError.from(e, 'use directory', dir);
      existing = dirname(existing);
    }
  }
  const probe = join(existing, `.jetbus-probe.${process.pid}.${randomBytes(4).toString('hex')}`);
  try {
    await (await open(probe, 'wx', 0o600)).close();
  } catch (e) {
    const reason = AuthFileError.from(e, 'write in', existing);
    throw reason instanceof AuthFileError
      ? new AuthFileError(
          'write to',
          dir,
          existing === dir ? reason.reason : `${existing}: ${reason.reason}`,
          {
            cause: e,
          },
        )
      : reason;
  }
  await rm(probe, { force: true });
}

/** Checks that `file` can be replaced: absent or a regular file, in a writable directory. */
export async function checkWritableFile(file: string): Promise<void> {
  try {
    if (!(await stat(file)).isFile()) throw new AuthFileError('write', file, 'it is not a regular file');
  } catch (e) {
    if (e instanceof AuthFileError) throw e;
    if (code(e) !== 'ENOENT') throw AuthFileError.from(e, 'write', file);
  }
  await checkWritableDir(dirname(file));
}
