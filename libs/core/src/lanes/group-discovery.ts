import { type Consumer } from '@nats-io/jetstream';
import { type Logger } from 'pino';
import { groupOfSubject } from '../wire/lane-names';
import { type UnknownLaneSweeper, unknownLaneProblem } from './unknown-lanes';
import { type LanePuller } from './lane-puller';

export interface GroupDiscoverySettings {
  stream: string;
  /** The handler's subject; its groups are `<subject>._group.<group>`. */
  subject: string;
  maxGroups: number;
  discoverEveryMs: number;
  idleAfterMs: number;
}

export interface GroupConsumers {
  /** Creates (or finds) the group's durable and binds it. */
  open(group: string): Promise<Consumer>;
  /**
   * Deletes the group's durable when the server shows it has no job waiting and none unacked
   * (by any instance); returns whether it did.
   */
  close(group: string): Promise<boolean>;
}

export const groupLaneKey = (group: string): string => `group:${group}`;

/**
 * Finds the groups with stored jobs and keeps one lane (durable) per group in the puller: asks the
 * stream which `<subject>._group.>` subjects hold messages (STREAM.INFO with `subjects_filter`, on
 * nats-server 2.9 and later) every `discoverEveryMs`. A group lane idle for `idleAfterMs` is removed
 * and its durable deleted once the server shows nothing waiting or unacked on it; the work-queue
 * stream keeps any job stored meanwhile, and the next discovery opens the lane again.
 */
export class GroupDiscovery {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  private warnedFull = false;

  constructor(
    private readonly puller: LanePuller,
    private readonly consumers: GroupConsumers,
    private readonly settings: GroupDiscoverySettings,
    private readonly log: Logger,
    /** Reads the stored group subjects and dead-letters those that are no group. */
    private readonly unknown: UnknownLaneSweeper,
  ) {}

  /** Runs the first discovery before returning, so a backlog is pulled fairly from the start. */
  async start(): Promise<void> {
    await this.discover();
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.discover()
        .catch((e: unknown) => this.log.warn({ err: e }, 'group discovery failed; trying again'))
        .finally(() => this.schedule());
    }, this.settings.discoverEveryMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /**
   * One round: open lanes for groups with jobs (up to `maxGroups`), hint known ones, close idle ones,
   * and dead-letter what is stored under `<subject>._group.` but is no group (`a*b`, `x.y`, a
   * 3,000-character token): no lane would ever take it, and opening one would fail the round for
   * every group.
   */
  async discover(): Promise<void> {
    const { stream, maxGroups, idleAfterMs } = this.settings;
    const lanes = await this.unknown.stored();
    const stored = new Map<string, number>();
    for (const { subject: s, count } of lanes) {
      if (unknownLaneProblem(this.settings.subject, s, 'fairness')) continue;
      const group = groupOfSubject(s);
      stored.set(group, (stored.get(group) ?? 0) + count);
    }
    let open = this.puller.keys().filter((k) => k.startsWith('group:')).length;
    for (const [group, n] of stored) {
      if (this.stopped) return;
      if (n === 0) continue;
      const key = groupLaneKey(group);
      if (this.puller.has(key)) {
        this.puller.hint(key);
        continue;
      }
      if (open >= maxGroups) {
        if (!this.warnedFull) {
          this.log.warn(
            { maxGroups },
            'fairness: more groups have jobs than maxGroups; the rest wait for a free lane',
          );
          this.warnedFull = true;
        }
        continue;
      }
      let consumer: Consumer;
      try {
        consumer = await this.consumers.open(group);
      } catch (e) {
        // This group's lane only (a consumer limit, say): the other groups still get theirs.
        this.log.warn({ err: e, group, stream }, 'could not open a group lane; trying again next round');
        continue;
      }
      this.puller.add(
        {
          key,
          weight: 1,
          probe: false,
          consumer,
          // A group lane whose pull fails (its durable deleted by another instance's clean-up) is
          // dropped; discovery opens it again while it holds jobs.
          rebind: () => Promise.resolve(undefined),
        },
        1,
      );
      open++;
    }
    for (const key of this.puller.keys()) {
      if (!key.startsWith('group:')) continue;
      const group = key.slice('group:'.length);
      if ((stored.get(group) ?? 0) > 0 || !this.puller.idle(key, idleAfterMs)) continue;
      this.puller.remove(key);
      if (await this.consumers.close(group)) this.log.info({ group }, 'idle group lane removed');
    }
    if (!this.stopped) await this.unknown.sweep(lanes);
  }
}
