import { JetbusErrorCodes } from './error-codes';
import { JetbusError } from './jetbus.error';

/**
 * The client stayed disconnected from NATS for the whole publish timeout, so nothing was sent.
 * (nats.js would otherwise drop a message published mid-reconnect and only time out later.)
 */
export class NotConnectedError extends JetbusError {
  constructor(
    readonly subject: string,
    readonly waitedMs: number,
  ) {
    super(
      JetbusErrorCodes.NotConnected,
      `not connected to NATS: waited ${waitedMs} ms to publish "${subject}"; nothing was sent`,
    );
  }
}
