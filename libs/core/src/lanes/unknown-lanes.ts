import { type JetStreamManager, type StoredMsg } from '@nats-io/jetstream';
import { type Logger } from 'pino';
import { storedHeaders, rawStoredHeaderBlock } from '../codec/message-headers';
import { isMessageGone } from '../connection/jetstream-api-errors';
import { type DeadLetterSink, type DeadLetterTarget } from '../dead-letter/dead-letter.sink';
import { DecodeError } from '../errors';
import { GROUP_PATTERN, GROUP_RULE, GROUP_TOKEN, PRIORITY_TOKEN } from '../wire/lane-names';

/** Messages dead-lettered per round at most, so a flood of them costs each round a bounded amount. */
const SWEEP_BATCH = 100;

/** A subject stored under a handler's lane prefix, and how many messages it holds. */
export interface StoredLane {
  subject: string;
  count: number;
}

/** Why `subject` (under `<handler subject>.`) is no lane of a handler with these lanes, or undefined. */
export function unknownLaneProblem(
  handlerSubject: string,
  subject: string,
  lanes: 'priorities' | 'fairness',
): string | undefined {
  const lane = subject.slice(handlerSubject.length + 1);
  if (lanes === 'priorities') {
    const priority = lane.slice(PRIORITY_TOKEN.length + 1);
    if (lane.startsWith(`${PRIORITY_TOKEN}.`) && (priority === 'high' || priority === 'low'))
      return undefined;
    return `"${lane.slice(0, 100)}" is not a priority lane (${PRIORITY_TOKEN}.high or ${PRIORITY_TOKEN}.low)`;
  }
  const group = lane.slice(GROUP_TOKEN.length + 1);
  if (lane.startsWith(`${GROUP_TOKEN}.`) && GROUP_PATTERN.test(group)) return undefined;
  return `"${lane.slice(0, 100)}" is not a group lane (a group is ${GROUP_RULE})`;
}

export interface UnknownLaneSettings {
  stream: string;
  /** The handler's own dead-letter stream, when it has one. */
  target?: DeadLetterTarget;
  /** The handler's subject; its lanes are `<subject>._prio.*` or `<subject>._group.*`. */
  subject: string;
  lanes: 'priorities' | 'fairness';
  /** `ClassName.method`, named in the dead letter. */
  handler: string;
  /** The handler's durable, named as the dead letter's consumer. */
  durable: string;
}

/**
 * Dead-letters the jobs stored under a handler's lane prefix that no lane of it takes
 * (`orders.created._prio.urgent`, `reports.build._group.a*b`, a group of two tokens): a raw
 * client can publish them, the stream captures them, and no consumer would ever deliver them, so
 * on a work queue they would wait forever. Each is read from the stream, written to the DLQ as a
 * `DecodeError` (reason `decode`, 0 deliveries), then deleted from the stream, in that order:
 * a crash in between leaves it to the next round, and the DLQ's dedup id stores it once. Only for
 * work-queue streams: on other retentions the message may be another consumer's to read.
 */
export class UnknownLaneSweeper {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  /** The last sweep failed (its warning is not repeated until one succeeds). */
  private failing = false;

  constructor(
    private readonly jsm: JetStreamManager,
    private readonly deadLetters: DeadLetterSink,
    private readonly settings: UnknownLaneSettings,
    private readonly log: Logger,
  ) {}

  /** The stored subjects under the handler's lane prefix, from one STREAM.INFO. */
  async stored(): Promise<StoredLane[]> {
    const { stream, subject, lanes } = this.settings;
    const token = lanes === 'priorities' ? PRIORITY_TOKEN : GROUP_TOKEN;
    const info = await this.jsm.streams.info(stream, { subjects_filter: `${subject}.${token}.>` });
    return Object.entries(info.state.subjects ?? {}).map(([s, count]) => ({ subject: s, count }));
  }

  /**
   * Looks for unknown lanes now and every `everyMs` until stopped (priorities; fairness sweeps from
   * its group discovery, which reads the same STREAM.INFO anyway).
   */
  start(everyMs: number): void {
    const round = async () => {
      let stored: StoredLane[];
      try {
        stored = await this.stored();
      } catch (e) {
        this.log.warn({ err: e }, 'looking for jobs on unknown lanes failed; trying again');
        return;
      }
      await this.sweep(stored);
    };
    const schedule = () => {
      if (this.stopped) return;
      this.timer = setTimeout(() => {
        this.running = round().finally(schedule);
      }, everyMs);
      this.timer.unref();
    };
    this.running = round().finally(schedule);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /**
   * Sweeps the stored subjects (from one STREAM.INFO) that are no lane; the others are left alone.
   * Never throws: a failure (the DLQ away, a user without `STREAM.MSG.GET`/`MSG.DELETE` on the
   * stream, which the `reaper` role grants) leaves the messages for the next round, and is logged
   * as a warning once until a round succeeds again.
   */
  async sweep(stored: readonly StoredLane[]): Promise<void> {
    try {
      await this.sweepUnknown(stored);
      this.failing = false;
    } catch (e) {
      this.log[this.failing ? 'debug' : 'warn'](
        { err: e, stream: this.settings.stream },
        'could not dead-letter jobs on unknown lanes; they stay in the stream and are tried again',
      );
      this.failing = true;
    }
  }

  private async sweepUnknown(stored: readonly StoredLane[]): Promise<void> {
    const { subject, lanes } = this.settings;
    let budget = SWEEP_BATCH;
    for (const lane of stored) {
      if (this.stopped) return;
      const problem = unknownLaneProblem(subject, lane.subject, lanes);
      if (!problem || lane.count === 0) continue;
      for (let n = 0; n < lane.count && budget > 0; n++, budget--) {
        if (!(await this.deadLetterOne(lane.subject, problem))) break;
      }
      if (budget === 0) return;
    }
  }

  /** Dead-letters a message stored under `laneSubject` (its last); false when there is none left. */
  private async deadLetterOne(laneSubject: string, problem: string): Promise<boolean> {
    const { stream, handler, durable, target } = this.settings;
    let stored: StoredMsg | null;
    try {
      stored = await this.jsm.streams.getMessage(stream, { last_by_subj: laneSubject });
    } catch (e) {
      if (isMessageGone(e)) return false;
      throw e;
    }
    if (!stored) return false;
    const read = storedHeaders(stored);
    await this.deadLetters.writeRecord({
      subject: stored.subject,
      data: stored.data,
      headers: read.headers,
      undecodableHeaders: read.undecodable,
      headerBlock: rawStoredHeaderBlock(stored),
      stream,
      seq: stored.seq,
      consumer: durable,
      attempts: 0,
      reason: 'decode',
      error: new DecodeError(stored.subject, `${problem}; no consumer of ${handler} takes it`),
      handler,
      target,
    });
    await this.jsm.streams.deleteMessage(stream, stored.seq, false).catch((e: unknown) => {
      if (!isMessageGone(e)) throw e;
    });
    this.log.warn(
      { subject: stored.subject.slice(0, 200), seq: stored.seq, problem },
      'job on a lane subject no lane takes; dead-lettered',
    );
    return true;
  }
}
