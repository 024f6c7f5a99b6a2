import { JetbusErrorCodes } from './error-codes';
import { JetbusError } from './jetbus.error';

export type PermissionOperation = 'publish' | 'subscribe';

/** The server's authorization refused an operation on a subject for the connected user. */
export class PermissionDeniedError extends JetbusError {
  constructor(
    readonly operation: PermissionOperation,
    readonly subject: string,
    readonly user: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(
      JetbusErrorCodes.PermissionDenied,
      `permission denied: user ${user ?? '(unknown)'} may not ${operation} "${subject}"`,
      options,
    );
  }
}
