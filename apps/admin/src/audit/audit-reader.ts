import { Inject, Injectable } from '@nestjs/common';
import { type StoredMsg } from '@nats-io/jetstream';
import { JetbusConnection, isMessageGone, isStreamNotFound } from '@jetbus/core';
import { ADMIN_OPTIONS, type ResolvedAdminOptions } from '../options/resolve-admin-options';
import { type StoredAuditEntry } from './audit-entry';
import { type AuditFilter, isAuditEntry, matchesAudit } from './audit-filter';

/** Entries one search request reads at most, matching or not: a search never walks a year of trail. */
export const AUDIT_SCAN_LIMIT = 5_000;
/** Messages fetched at once (`STREAM.MSG.GET` requests in flight). */
const BATCH = 64;
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
    let top = Math.min(range.last, (before ?? Number.POSITIVE_INFINITY) - 1);
    while (top >= range.first) {
      const bottom = Math.max(range.first, top - BATCH + 1);
      const batch = await this.fetch(bottom, top);
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
      top = bottom - 1;
    }
    return { items, next: null, scanned };
  }

  /** Oldest first, every matching entry stored when the export began. */
  async *export(filter: AuditFilter): AsyncGenerator<StoredAuditEntry> {
    const range = await this.range();
    if (!range) return;
    for (let bottom = range.first; bottom <= range.last; bottom += BATCH) {
      const batch = await this.fetch(bottom, Math.min(range.last, bottom + BATCH - 1));
      for (const entry of batch) {
        if (filter.until !== undefined && Date.parse(entry.at) >= filter.until + TIME_SLACK_MS) return;
        if (matchesAudit(entry, filter)) yield entry;
      }
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
