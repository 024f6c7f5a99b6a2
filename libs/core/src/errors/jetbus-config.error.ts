import { JetbusErrorCodes } from './error-codes';
import { JetbusError } from './jetbus.error';

/** A bad option, found at startup. `option` is the path of the offending option, e.g. `streams[0].retention`. */
export class JetbusConfigError extends JetbusError {
  constructor(
    readonly option: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(JetbusErrorCodes.Config, `jetbus: invalid option "${option}": ${problem}`, options);
  }
}
