import { JetbusErrorCodes } from './error-codes';
import { JetbusError } from './jetbus.error';

/**
 * A replay's `Nats-Msg-Id` (`replay:<dlq seq>`) was already used within the target stream's
 * duplicate window by a different message, so the server kept that one and dropped the replay.
 * That happens when a DLQ stream was recreated (its sequences start again at 1) or two DLQ streams
 * replay into one stream. The dead letter is kept; replay it again once the window has passed.
 */
export class ReplayConflictError extends JetbusError {
  constructor(
    readonly subject: string,
    readonly msgId: string,
    readonly stream: string,
    readonly seq: number,
    options?: { cause?: unknown },
  ) {
    super(
      JetbusErrorCodes.ReplayConflict,
      `replay of "${subject}" was dropped as a duplicate: ${stream} seq ${seq} already carries Nats-Msg-Id ` +
        `${msgId} with another message; the dead letter is kept, retry after the stream's duplicate window`,
      options,
    );
  }
}
