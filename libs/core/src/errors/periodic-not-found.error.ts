import { JetbusErrorCodes } from './error-codes';
import { JetbusError } from './jetbus.error';

/**
 * No periodic schedule of this name: no worker declaring it has started on this account (its
 * definition is written to the `JETBUS_PERIODIC` KV bucket at worker startup).
 */
export class PeriodicNotFoundError extends JetbusError {
  constructor(readonly schedule: string) {
    super(
      JetbusErrorCodes.PeriodicNotFound,
      `periodic schedule "${schedule}" is unknown: no worker declaring it has started`,
    );
  }
}
