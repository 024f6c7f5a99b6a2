import { JetbusErrorCodes } from './error-codes';
import { JetbusError } from './jetbus.error';

/**
 * No JetStream stream captures the subject. NATS itself reports this as "jetstream is not enabled"
 * (the publish request found no responder), which sends people looking in the wrong place.
 */
export class NoStreamForSubjectError extends JetbusError {
  constructor(
    readonly subject: string,
    options?: { cause?: unknown },
  ) {
    super(
      JetbusErrorCodes.NoStreamForSubject,
      `no JetStream stream captures subject "${subject}": declare a stream for it (JetbusModule streams option) or fix the subject`,
      options,
    );
  }
}
