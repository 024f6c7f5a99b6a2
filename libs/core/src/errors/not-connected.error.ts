import { JetbusErrorCodes } from './error-codes';
import { JetbusError } from './jetbus.error';

/**
 * The client stayed disconnected from NATS for the whole publish timeout, so nothing was sent.
 * (nats.js would otherwise drop a message published mid-reconnect and only time out later.)
 */
export class NotConnectedError extends JetbusError {
  constructor(
    readonly subject: string,
    /** How long the publish actually waited for a reconnect. */
    readonly waitedMs: number,
    /** The connection is closed for good (closed by the app, or reconnects exhausted): waiting is pointless. */
    readonly closed = false,
  ) {
    super(
      JetbusErrorCodes.NotConnected,
      closed
        ? `not connected to NATS: the connection is closed; "${subject}" was not sent`
        : `not connected to NATS: waited ${waitedMs} ms to publish "${subject}"; nothing was sent`,
    );
  }
}
