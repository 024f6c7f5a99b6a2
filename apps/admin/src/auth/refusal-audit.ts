import { type BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { type Logger } from 'pino';
import { ADMIN_LOGGER } from '../admin-logger';
import { type AuditedAction, AuditService } from '../audit/audit.service';
import { ADMIN_OPTIONS, type ResolvedAdminOptions } from '../options/resolve-admin-options';
import { callerKey } from './admin-principal';
import { ACCESS_DENIED_ACTION, type Refusal } from './audit-refusal';

/** Refusals of one kind (IP, method, path, reason) in a window: the first was written, these were not. */
interface Repeats {
  refusal: Refusal;
  count: number;
  firstAt?: string;
  lastAt?: string;
}

/** Refusals past the kinds a window writes on their own: counted into one entry, with a few examples. */
interface Overflow {
  refusal: Refusal;
  count: number;
  firstAt: string;
  lastAt: string;
  examples: Set<string>;
}

/** One caller's window, opened by its first refusal and written out when it ends. */
interface ActorWindow {
  kinds: Map<string, Repeats>;
  overflow?: Overflow;
  timer: NodeJS.Timeout;
}

/** Targets quoted in an overflow entry's error (the count covers them all). */
const OVERFLOW_EXAMPLES = 5;

/**
 * Appends `access.denied` entries at a bounded rate (`accessDeniedAudit`): any signed-in viewer
 * can be refused a state-changing route as fast as it can send requests, and one entry each would
 * let it flood the append-only trail. Per caller and window, the first refusal of each kind is
 * written at once (it may be a forged request riding on someone's session: the trail shows it
 * now); its repeats, and every refusal past `distinctPerActor` kinds (a caller varying the path),
 * are counted and written as one entry each with `count`, `firstAt` and `lastAt` when the window
 * ends, or when the app shuts down. No refusal is left out of a count; a write the stream refuses
 * is logged with its count.
 */
@Injectable()
export class RefusalAudit implements BeforeApplicationShutdown {
  private readonly windows = new Map<string, ActorWindow>();
  /** After shutdown began, no window could be written out later: each refusal is written at once. */
  private closing = false;

  constructor(
    private readonly audit: AuditService,
    @Inject(ADMIN_OPTIONS) private readonly options: ResolvedAdminOptions,
    @Inject(ADMIN_LOGGER) private readonly logger: Logger,
  ) {}

  /** Records `refusal`: written now when it is the first of its kind in its caller's window, else counted. */
  async record(refusal: Refusal): Promise<void> {
    if (this.closing) return this.write(refusal);
    const { principal, ip } = refusal.actor;
    const actorKey = callerKey(principal);
    let window = this.windows.get(actorKey);
    if (!window) {
      const timer = setTimeout(() => void this.flush(actorKey), this.options.accessDeniedAudit.windowMs);
      // A pending window must not keep the process alive; shutdown writes it out.
      timer.unref();
      window = { kinds: new Map(), timer };
      this.windows.set(actorKey, window);
    }
    const now = new Date().toISOString();
    const kind = JSON.stringify([ip ?? '', refusal.target, refusal.reason]);
    const seen = window.kinds.get(kind);
    if (seen) {
      seen.count++;
      seen.firstAt ??= now;
      seen.lastAt = now;
      return;
    }
    if (window.kinds.size < this.options.accessDeniedAudit.distinctPerActor) {
      window.kinds.set(kind, { refusal, count: 0 });
      return this.write(refusal);
    }
    if (!window.overflow) {
      window.overflow = { refusal, count: 0, firstAt: now, lastAt: now, examples: new Set() };
    }
    const overflow = window.overflow;
    overflow.count++;
    overflow.lastAt = now;
    if (overflow.examples.size < OVERFLOW_EXAMPLES) overflow.examples.add(refusal.target);
  }

  /** Writes out every open window before the NATS connection closes (`onApplicationShutdown`). */
  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.windows.keys()].map((key) => this.flush(key)));
  }

  /** Ends one caller's window: one entry per kind that repeated, and one for the overflow. */
  private async flush(actorKey: string): Promise<void> {
    const window = this.windows.get(actorKey);
    if (!window) return;
    this.windows.delete(actorKey);
    clearTimeout(window.timer);
    const writes: Promise<void>[] = [];
    for (const { refusal, count, firstAt, lastAt } of window.kinds.values()) {
      if (count > 0 && firstAt && lastAt) writes.push(this.write(refusal, { count, firstAt, lastAt }));
    }
    const overflow = window.overflow;
    if (overflow) {
      const limit = this.options.accessDeniedAudit.distinctPerActor;
      writes.push(
        this.write(
          {
            actor: overflow.refusal.actor,
            target: '*',
            reason:
              `refusals of more than ${limit} kinds (method, path, reason, address) in one window ` +
              `(accessDeniedAudit.distinctPerActor), among them: ${[...overflow.examples].join(', ')}`,
          },
          { count: overflow.count, firstAt: overflow.firstAt, lastAt: overflow.lastAt },
        ),
      );
    }
    await Promise.all(writes);
  }

  /** Appends one entry; a failed write is logged with what it stood for, never thrown at the caller. */
  private async write(refusal: Refusal, repeats?: AuditedAction['repeats']): Promise<void> {
    const action: AuditedAction = {
      action: ACCESS_DENIED_ACTION,
      target: refusal.target,
      ...(repeats ? { repeats } : {}),
    };
    try {
      await this.audit.record(refusal.actor, action, 'error', refusal.reason);
    } catch (e) {
      this.logger.error(
        { err: e, actor: refusal.actor.principal.name, target: refusal.target, count: repeats?.count ?? 1 },
        'could not audit a refused request',
      );
    }
  }
}
