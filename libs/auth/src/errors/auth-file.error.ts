import { AuthErrorCodes } from './auth-error-codes';
import { JetbusAuthError } from './jetbus-auth.error';

// Node's codes in the words an operator needs; anything else keeps the code itself.
const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a parent of it is not a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EEXIST: 'it already exists',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
};

/**
 * A file or directory of the auth state (policy, keys, creds, JWTs) could not be read or written.
 * One line that names the path and says why, instead of Node's `ENOENT: no such file…, open '…'`.
 */
export class AuthFileError extends JetbusAuthError {
  constructor(
    readonly operation: string,
    readonly path: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(AuthErrorCodes.File, `cannot ${operation} ${path}: ${reason}`, options);
  }

  /** Wraps a Node fs error (`reason` from its code); anything else is returned unchanged. */
  static from(error: unknown, operation: string, path: string): unknown {
    if (error instanceof JetbusAuthError) return error;
    const code = (error as NodeJS.ErrnoException | null)?.code;
    if (typeof code !== 'string') return error;
    return new AuthFileError(operation, path, REASONS[code] ?? code, { cause: error });
  }
}
