import { JetbusErrorCodes } from './error-codes';
import { JetbusError } from './jetbus.error';

/**
 * No JetStream stream captures the subject. NATS itself reports this as "jetstream is not enabled"
 * (the publish request found no responder), which sends people looking in the wrong place. On a
 * cluster the same silence is what a stream whose leader is being elected gives: the publish was
 * retried for `waitedMs` (nothing was stored) and the message says both.
 */
export class NoStreamForSubjectError extends JetbusError {
  /** How long a publish on a cluster kept trying; undefined on a standalone server (at once). */
  readonly waitedMs: number | undefined;

  constructor(
    readonly subject: string,
    options?: { cause?: unknown; waitedMs?: number },
  ) {
    super(
      JetbusErrorCodes.NoStreamForSubject,
      options?.waitedMs === undefined
        ? `no JetStream stream captures subject "${subject}": declare a stream for it (JetbusModule streams option) or fix the subject`
        : `no JetStream stream answered for subject "${subject}" within ${options.waitedMs} ms, nothing was stored: ` +
            'no stream captures it, or its stream has no leader yet (the cluster is electing one: a longer publishTimeout rides that out)',
      options,
    );
    this.waitedMs = options?.waitedMs;
  }
}
