import { JetbusErrorCodes } from './error-codes';
import { JetbusError } from './jetbus.error';

/** The NATS server could not be reached or refused the connection. */
export class ConnectionError extends JetbusError {
  constructor(
    readonly servers: string[],
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(JetbusErrorCodes.Connection, `cannot connect to NATS at ${servers.join(', ')}: ${detail}`, options);
  }
}
