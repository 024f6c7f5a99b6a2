import { type Logger } from 'pino';
import { type DeadLetterInput } from './dead-letter-record.input';
import { type DeadLetter, DeadLetterSink } from './dead-letter.sink';

/** Records a dead letter in the log only (subject, stream seq, attempts, reason, error). */
export class LogDeadLetterSink extends DeadLetterSink {
  constructor(private readonly logger: Logger) {
    super();
  }

  async write({ msg, reason, error, handler }: DeadLetter): Promise<void> {
    this.logger.error(
      {
        err: error,
        handler,
        subject: msg.subject,
        stream: msg.info.stream,
        seq: msg.info.streamSequence,
        attempts: msg.info.deliveryCount,
        reason,
      },
      'job dead-lettered',
    );
  }

  override async writeRecord(input: DeadLetterInput): Promise<undefined> {
    const { error: err, handler, subject, stream, seq, attempts, reason } = input;
    this.logger.error({ err, handler, subject, stream, seq, attempts, reason }, 'job dead-lettered');
    return undefined;
  }
}
