import { JetbusErrorCodes } from './error-codes';
import { JetbusError } from './jetbus.error';

/** A message body the codec cannot decode (e.g. malformed JSON). Retrying cannot fix it. */
export class DecodeError extends JetbusError {
  constructor(
    readonly subject: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(JetbusErrorCodes.Decode, `cannot decode message on "${subject}": ${detail}`, options);
  }
}
