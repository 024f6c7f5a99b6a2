import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { type StreamConfig, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { AUDIT_SUBJECT_PREFIX, JetbusConfigError, JetbusConnection, isStreamNotFound } from '@jetbus/core';
import { type AdminPrincipal } from '../auth/admin-principal';
import { ADMIN_OPTIONS, type ResolvedAdminOptions } from '../options/resolve-admin-options';
import { type AuditEntry } from './audit-entry';

/** Audit subjects are `<AUDIT_SUBJECT_PREFIX>.<action>` (core's name, which the `admin-app` role grants), so a reader can filter by action with a subject filter. */
export { AUDIT_SUBJECT_PREFIX };

export interface AuditedAction {
  action: string;
  target: string;
  filter?: unknown;
  before?: unknown;
  after?: unknown;
  /** Several occurrences written as one entry (coalesced `access.denied`): how many, first and last. */
  repeats?: { count: number; firstAt: string; lastAt: string };
}

/** Told of one append: the entry, and whether the stream stored it. */
export type AuditAppendListener = (entry: AuditEntry, written: boolean) => void;

/** Who asked, from where: what every audited action needs from its request. */
export interface AuditActor {
  principal: AdminPrincipal;
  ip?: string | undefined;
}

/**
 * Appends every state-changing action to the audit stream. The stream denies delete and purge
 * (`deny_delete`, `deny_purge`), and the app's NATS user has no permission to change it: the
 * trail is append-only even for whoever holds the app's credentials.
 */
@Injectable()
export class AuditService implements OnModuleInit {
  /** Told of every append, written or failed (the app's metrics count them). */
  private readonly appendListeners: AuditAppendListener[] = [];

  constructor(
    private readonly connection: JetbusConnection,
    @Inject(ADMIN_OPTIONS) private readonly options: ResolvedAdminOptions,
  ) {}

  get stream(): string {
    return this.options.auditStream;
  }

  async onModuleInit(): Promise<void> {
    const { jsm } = this.connection;
    try {
      const { config } = await jsm.streams.info(this.stream);
      // A stream made by hand may allow erasing entries; the trail would then only look append-only.
      const allowed = [!config.deny_delete && 'deleting', !config.deny_purge && 'purging'].filter(Boolean);
      if (allowed.length > 0)
        throw new JetbusConfigError(
          'auditStream',
          `stream ${this.stream} allows ${allowed.join(' and ')} entries, so the audit trail would not be ` +
            'append-only: set deny_delete and deny_purge on it, or name a stream the app may create',
        );
    } catch (e) {
      if (!isStreamNotFound(e)) throw e;
      const config: Partial<StreamConfig> & { name: string } = {
        name: this.stream,
        subjects: [`${AUDIT_SUBJECT_PREFIX}.>`],
        retention: RetentionPolicy.Limits,
        storage: StorageType.File,
        deny_delete: true,
        deny_purge: true,
        // Entries are small; a year of them is kept unless the operator decides otherwise.
        max_age: 365 * 24 * 60 * 60 * 1e9,
      };
      await jsm.streams.add(config);
    }
  }

  /**
   * Runs `fn` and appends the entry with its result, success or failure; a failure is rethrown
   * after it is recorded. An action whose audit write fails reports that failure: nothing changes
   * state without a trail, so callers record before answering.
   */
  async run<T>(
    actor: AuditActor,
    action: AuditedAction,
    fn: () => Promise<T>,
    outcome?: (result: T) => unknown,
  ): Promise<T> {
    let result: T;
    try {
      result = await fn();
    } catch (e) {
      await this.append(
        this.entry(actor, action, 'error', { error: e instanceof Error ? e.message : String(e) }),
      );
      throw e;
    }
    await this.append(this.entry(actor, action, 'ok', { outcome: outcome?.(result) }));
    return result;
  }

  /** Appends one entry (e.g. a login, which has no `fn` to run). */
  async record(
    actor: AuditActor,
    action: AuditedAction,
    result: 'ok' | 'error',
    error?: string,
  ): Promise<void> {
    await this.append(this.entry(actor, action, result, { error }));
  }

  private entry(
    actor: AuditActor,
    action: AuditedAction,
    result: 'ok' | 'error',
    extra: { error?: string | undefined; outcome?: unknown },
  ): AuditEntry {
    const entry: AuditEntry = {
      at: new Date().toISOString(),
      actor: actor.principal.name,
      role: actor.principal.role,
      via: actor.principal.via,
      action: action.action,
      target: action.target,
      result,
    };
    if (action.filter !== undefined) entry.filter = action.filter;
    if (action.before !== undefined) entry.before = action.before;
    if (action.after !== undefined) entry.after = action.after;
    if (extra.error !== undefined) entry.error = extra.error;
    if (extra.outcome !== undefined) entry.outcome = extra.outcome;
    if (actor.ip) entry.ip = actor.ip;
    if (action.repeats) Object.assign(entry, action.repeats);
    return entry;
  }

  /** Calls `listener` after every append attempt; a listener must not throw. */
  onAppend(listener: AuditAppendListener): void {
    this.appendListeners.push(listener);
  }

  private async append(entry: AuditEntry): Promise<void> {
    const subject = `${AUDIT_SUBJECT_PREFIX}.${entry.action.replace(/[^A-Za-z0-9_.-]+/g, '_')}`;
    try {
      await this.connection.js.publish(subject, JSON.stringify(entry), {
        expect: { streamName: this.stream },
      });
    } catch (e) {
      for (const listener of this.appendListeners) listener(entry, false);
      throw e;
    }
    for (const listener of this.appendListeners) listener(entry, true);
  }
}
