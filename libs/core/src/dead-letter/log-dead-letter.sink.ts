import { type Logger } from 'pino';
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
}
