import { type StoredMsg } from '@nats-io/jetstream';
import { type DeadLetterEntry, type DeadLetterStore, parseDeadLetter } from '@jetbus/core';
import { type DeadLetterCriteria, matchesCriteria, mayMatchHeaders } from './dead-letter-criteria';
import { type StreamWindowReader } from './stream-window-reader';
import { type SearchOrder } from './dto/search-dead-letters.query';

/** Most dead letters one search request examines before it answers with what it has and a cursor. */
export const SCAN_BUDGET = 20_000;

export interface ScanRequest {
  criteria: DeadLetterCriteria;
  order: SearchOrder;
  /** The next DLQ sequence to examine (a previous page's `next`); the newest/oldest one if absent. */
  from?: number;
  limit: number;
  /** @default SCAN_BUDGET */
  budget?: number;
}

export interface ScanPage {
  entries: DeadLetterEntry[];
  /** The sequence to continue from, or null when the scan reached the end of the DLQ. */
  next: number | null;
  scanned: number;
  total: number;
}

/**
 * Searches the DLQ page by page without reading payloads: headers-only reads (see
 * `StreamWindowReader`), the subject criterion applied by the server (`<prefix>.<subject>`
 * is the DLQ subject), everything else by core's filter and the admin criteria on the parsed
 * headers. It stops as soon as the page is full, and after `budget` entries at most, returning
 * the cursor to continue from; the sequence range is fixed when the request starts.
 */
export class DeadLetterScan {
  constructor(
    private readonly store: DeadLetterStore,
    private readonly reader: StreamWindowReader,
  ) {}

  async page(req: ScanRequest): Promise<ScanPage> {
    const { state } = await this.store.info();
    const prefix = await this.store.subjectPrefix();
    const empty = { entries: [], next: null, scanned: 0, total: state.messages };
    if (state.messages === 0) return empty;
    const subject = req.criteria.core.subject;
    const ctx: ScanContext = {
      first: state.first_seq,
      last: state.last_seq,
      prefix,
      filterSubject: subject !== undefined ? `${prefix}.${subject}` : undefined,
      budget: req.budget ?? SCAN_BUDGET,
    };
    const page = req.order === 'oldest' ? await this.oldestFirst(req, ctx) : await this.newestFirst(req, ctx);
    return { ...page, total: state.messages };
  }

  /**
   * Every matching entry, oldest first, up to the last sequence at the start (no budget): the
   * selection of a bulk replay or purge.
   */
  async *all(criteria: DeadLetterCriteria): AsyncGenerator<DeadLetterEntry, void, undefined> {
    const { state } = await this.store.info();
    if (state.messages === 0) return;
    const prefix = await this.store.subjectPrefix();
    const subject = criteria.core.subject;
    const window = await this.reader.open(state.first_seq, subject ? `${prefix}.${subject}` : undefined);
    for await (const msg of window.read()) {
      if (msg.seq > state.last_seq) return;
      if (!mayMatch(msg, criteria)) continue;
      const entry = parseDeadLetter(msg, prefix, this.store.stream);
      if (matchesCriteria(entry, criteria)) yield entry;
    }
  }

  private async oldestFirst(req: ScanRequest, ctx: ScanContext): Promise<Omit<ScanPage, 'total'>> {
    const from = Math.max(req.from ?? ctx.first, ctx.first);
    const entries: DeadLetterEntry[] = [];
    let scanned = 0;
    if (from > ctx.last) return { entries, next: null, scanned };
    const window = await this.reader.open(from, ctx.filterSubject);
    let next: number | null = null;
    // A filter beyond the subject may need many entries per match: pulls grow from the page size.
    for await (const msg of window.read(req.limit)) {
      if (msg.seq > ctx.last) break;
      scanned++;
      const entry = mayMatch(msg, req.criteria)
        ? parseDeadLetter(msg, ctx.prefix, this.store.stream)
        : undefined;
      if (entry && matchesCriteria(entry, req.criteria)) entries.push(entry);
      if (entries.length >= req.limit || scanned >= ctx.budget) {
        // More may follow: the reader counted what was left when it read this one.
        next = msg.pending > 0 && msg.seq < ctx.last ? msg.seq + 1 : null;
        break;
      }
    }
    return { entries, next, scanned };
  }

  /**
   * Consumers only read forwards, so a newest-first page reads windows below the cursor, each
   * forwards, from the top down. A window's size is chosen from the consumers' counts so that it
   * never holds more than the budget left: a window is always read whole, or the order would break.
   */
  private async newestFirst(req: ScanRequest, ctx: ScanContext): Promise<Omit<ScanPage, 'total'>> {
    let hi = Math.min(req.from ?? ctx.last, ctx.last);
    const entries: DeadLetterEntry[] = [];
    let scanned = 0;
    // Matching messages above `hi` (newer than the cursor), to count each window by difference.
    let above = hi >= ctx.last ? 0 : await this.countFrom(hi + 1, ctx.filterSubject);
    // First window: twice the page (all of it when nothing but the subject is asked for); 4x after.
    let span = req.limit * 2;
    while (hi >= ctx.first && entries.length < req.limit && scanned < ctx.budget) {
      const left = ctx.budget - scanned;
      let lo = Math.max(ctx.first, hi - span + 1);
      let window = await this.reader.open(lo, ctx.filterSubject);
      while (window.pending - above > left && lo < hi) {
        await window.close();
        span = Math.max(1, Math.floor((hi - lo + 1) / 2));
        lo = hi - span + 1;
        window = await this.reader.open(lo, ctx.filterSubject);
      }
      const found: DeadLetterEntry[] = [];
      for await (const msg of window.read(window.pending - above)) {
        if (msg.seq > hi) break;
        scanned++;
        if (!mayMatch(msg, req.criteria)) continue;
        const entry = parseDeadLetter(msg, ctx.prefix, this.store.stream);
        if (matchesCriteria(entry, req.criteria)) found.push(entry);
      }
      found.reverse();
      const room = req.limit - entries.length;
      entries.push(...found.slice(0, room));
      if (found.length > room) {
        // The page filled inside this window: continue below the last entry returned.
        const below = entries[entries.length - 1].dlqSeq - 1;
        return { entries, next: below >= ctx.first ? below : null, scanned };
      }
      above = window.pending;
      hi = lo - 1;
      span *= 4;
    }
    return { entries, next: hi >= ctx.first ? hi : null, scanned };
  }

  private async countFrom(seq: number, filterSubject: string | undefined): Promise<number> {
    const window = await this.reader.open(seq, filterSubject);
    await window.close();
    return window.pending;
  }
}

/** The raw-header first look; a header block nats.js cannot decode goes to core's parser. */
function mayMatch(msg: StoredMsg, criteria: DeadLetterCriteria): boolean {
  try {
    return mayMatchHeaders(msg.header, criteria);
  } catch {
    return true;
  }
}

interface ScanContext {
  first: number;
  last: number;
  prefix: string;
  filterSubject: string | undefined;
  budget: number;
}
