import { Inject, Injectable } from '@nestjs/common';
import { type StoredMsg } from '@nats-io/jetstream';
import { JetbusConnection, isMessageGone, isStreamNotFound } from '@jetbus/core';
import { ADMIN_OPTIONS, type ResolvedAdminOptions } from '../options/resolve-admin-options';
import { type StoredAuditEntry } from './audit-entry';
import { type AuditFilter, isAuditEntry, matchesAudit } from './audit-filter';

/** Entries one search request reads at most, matching or not: a search never walks a year of trail. */
export const AUDIT_SCAN_LIMIT = 5_000;
/**
 * `STREAM.MSG.GET` requests in flight per batch, at most; a search starts with batches the size of
 * its page and doubles them, so a page of 50 newest entries costs one round trip of about 50 gets.
 * The app may not put a consumer on the audit stream (its `admin-app` role), so reading one message
 * per request is the only way; the next batch is requested while the current one is matched.
 */
const MAX_BATCH = 256;
const MIN_BATCH = 16;
/**
 * Entries are stamped when their action finishes, so two concurrent actions may be stored out of
 * time order; a walk bounded by time stops only this far past the bound.
 */
const TIME_SLACK_MS = 60_000;

export interface AuditPage {
  items: StoredAuditEntry[];
  /** The `before` of the next (older) page; null when nothing older is left. */
  next: number | null;
  scanned: number;
}

/**
 * Reads the audit stream by sequence (`STREAM.MSG.GET`), so the app needs no consumer on it and
 * the trail's read path is as narrow as its write path. The stream denies delete and purge, so its
 * sequences have no holes except those `max_age` expired below `first_seq`.
 */
@Injectable()
export class AuditReader {
  constructor(
    private readonly connection: JetbusConnection,
    @Inject(ADMIN_OPTIONS) private readonly options: ResolvedAdminOptions,
  ) {}

  /** Newest first: up to `limit` matching entries below `before`, reading at most `AUDIT_SCAN_LIMIT`. */
  async search(filter: AuditFilter, limit: number, before?: number): Promise<AuditPage> {
    const range = await this.range();
    if (!range) return { items: [], next: null, scanned: 0 };
    const items: StoredAuditEntry[] = [];
    let scanned = 0;
    const top = Math.min(range.last, (before ?? Number.POSITIVE_INFINITY) - 1);
    for await (const batch of this.batches(top, range.first, -1, Math.max(MIN_BATCH, limit))) {
      for (let i = batch.length - 1; i >= 0; i--) {
        const entry = batch[i];
        scanned++;
        if (filter.since !== undefined && Date.parse(entry.at) < filter.since - TIME_SLACK_MS) {
          return { items, next: null, scanned };
        }
        if (matchesAudit(entry, filter)) items.push(entry);
        const atEnd = entry.seq <= range.first;
        if (items.length === limit || scanned >= AUDIT_SCAN_LIMIT) {
          return { items, next: atEnd ? null : entry.seq, scanned };
        }
      }
    }
    return { items, next: null, scanned };
  }

  /** Oldest first, every matching entry stored when the export began. */
  async *export(filter: AuditFilter): AsyncGenerator<StoredAuditEntry> {
    const range = await this.range();
    if (!range) return;
    for await (const batch of this.batches(range.first, range.last, 1, MAX_BATCH)) {
      for (const entry of batch) {
        if (filter.until !== undefined && Date.parse(entry.at) >= filter.until + TIME_SLACK_MS) return;
        if (matchesAudit(entry, filter)) yield entry;
      }
    }
  }

  /**
   * The entries from `start` towards `end` (inclusive) in batches, each in sequence order, batch
   * sizes doubling from `first` to `MAX_BATCH`; one batch is fetched ahead of the one being read.
   */
  private async *batches(
    start: number,
    end: number,
    direction: 1 | -1,
    first: number,
  ): AsyncGenerator<StoredAuditEntry[]> {
    let size = Math.min(first, MAX_BATCH);
    let next = start;
    const request = (): Promise<StoredAuditEntry[]> | undefined => {
      if (direction * (end - next) < 0) return undefined;
      const far = direction === 1 ? Math.min(end, next + size - 1) : Math.max(end, next - size + 1);
      const batch = direction === 1 ? this.fetch(next, far) : this.fetch(far, next);
      // Abandoned when the reader stops early; its failure then concerns nobody.
      batch.catch(() => undefined);
      next = far + direction;
      size = Math.min(size * 2, MAX_BATCH);
      return batch;
    };
    let pending = request();
    while (pending) {
      const current = pending;
      pending = request();
      yield await current;
    }
  }

  private async range(): Promise<{ first: number; last: number } | undefined> {
    try {
      const { state } = await this.connection.jsm.streams.info(this.options.auditStream);
      return state.messages === 0 ? undefined : { first: state.first_seq, last: state.last_seq };
    } catch (e) {
      if (isStreamNotFound(e)) return undefined;
      throw e;
    }
  }

  /** The entries stored at `from..to`, in sequence order; expired and unreadable ones left out. */
  private async fetch(from: number, to: number): Promise<StoredAuditEntry[]> {
    const seqs = Array.from({ length: to - from + 1 }, (_, i) => from + i);
    const messages = await Promise.all(seqs.map((seq) => this.get(seq)));
    const entries: StoredAuditEntry[] = [];
    for (const msg of messages) {
      if (!msg) continue;
      let value: unknown;
      try {
        value = msg.json();
      } catch {
        continue; // not ours: the stream only captures jetbus.audit.>, but a hand-made publish can land there
      }
      if (isAuditEntry(value)) entries.push({ ...value, seq: msg.seq });
    }
    return entries;
  }

  private async get(seq: number): Promise<StoredMsg | null> {
    try {
      return await this.connection.jsm.streams.getMessage(this.options.auditStream, { seq });
    } catch (e) {
      if (isMessageGone(e)) return null;
      throw e;
    }
  }
}
