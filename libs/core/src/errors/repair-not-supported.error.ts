import { JetbusErrorCodes } from './error-codes';
import { JetbusError } from './jetbus.error';

/**
 * Stranded-message repair was asked of a stream that is not a work queue. Only work-queue
 * retention deletes a message when its one consumer acks it, so only there does "at or below the
 * ack floor" mean "done and owed to nobody"; in a limits or interest stream such a message may be
 * kept on purpose or still owed to another consumer, and repair never touches it.
 */
export class RepairNotSupportedError extends JetbusError {
  constructor(
    readonly stream: string,
    readonly retention: string,
    options?: { cause?: unknown },
  ) {
    super(
      JetbusErrorCodes.RepairNotSupported,
      `stream ${stream} has ${retention} retention: only work-queue streams can be repaired`,
      options,
    );
  }
}
