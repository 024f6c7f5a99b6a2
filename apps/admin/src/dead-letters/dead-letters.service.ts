import {
  BadRequestException,
  ConflictException,
  Inject,
  Injectable,
  type OnApplicationShutdown,
  PayloadTooLargeException,
} from '@nestjs/common';
import { type Logger } from 'pino';
import {
  DeadLetterNotFoundError,
  type DeadLetterEntry,
  type DeadLetterRecord,
  DeadLetterStore,
  DeadLetterStreamNotFoundError,
  JetbusConnection,
  type ReplayOptions,
  type ReplayReport,
  replayDeadLetters,
} from '@jetbus/core';
import { ADMIN_LOGGER } from '../admin-logger';
import { type AuditActor, type AuditedAction, AuditService } from '../audit/audit.service';
import { ADMIN_OPTIONS, type ResolvedAdminOptions } from '../options/resolve-admin-options';
import { type PayloadFormat, escapeControlChars, payloadEncryptionNote, viewPayload } from '../payload-view';
import {
  type DeadLetterCriteria,
  jobIdOf,
  matchesCriteria,
  selectsAll,
  toCriteria,
} from './dead-letter-criteria';
import { type AuditedJob, deadLetterTarget, readHistory } from './dead-letter-history';
import { DeadLetterScan } from './dead-letter-scan';
import { headerPairs, itemOf } from './dead-letter-views';
import { type DeadLetterDetailDto } from './dto/dead-letter-detail.dto';
import { type DeadLetterPageDto } from './dto/dead-letter-page.dto';
import { type EditReplayDto } from './dto/edit-replay.dto';
import { type PurgeDeadLettersDto } from './dto/purge-dead-letters.dto';
import { type ReplayDeadLettersDto } from './dto/replay-dead-letters.dto';
import {
  type ReplayPlanDto,
  type ReplayRunDto,
  type ReplayStartedDto,
  type ReplayedDto,
} from './dto/replay-run.dto';
import { type SearchDeadLettersQuery, SEARCH_DEFAULT_LIMIT } from './dto/search-dead-letters.query';
import { payloadSnapshot } from './payload-snapshot';
import { ReplayRuns, reportErrors } from './replay-runs';
import { type ReplaySlot, ReplaySlots } from './replay-slots';
import { StreamWindowReader } from './stream-window-reader';

/** Entries a dry run lists in full; its counts cover the whole selection. */
const PLAN_LISTED = 1_000;

/**
 * The dead letters of the DLQ stream: search, view, replay (one, selected, by filter, edited),
 * delete and purge. Reading goes through core's `DeadLetterStore` and parser, replaying through
 * core's `replayDeadLetters` (target checks, expected stream, delete after the PubAck); every
 * change is recorded by `AuditService` before the request is answered.
 */
@Injectable()
export class DeadLettersService implements OnApplicationShutdown {
  private readonly runs = new ReplayRuns();
  private readonly slots: ReplaySlots;
  /** Dry runs read the whole selection too: bounded like replays, counted apart from them. */
  private readonly planSlots: ReplaySlots;
  private cached?: { store: DeadLetterStore; scan: DeadLetterScan };

  constructor(
    private readonly connection: JetbusConnection,
    private readonly audit: AuditService,
    @Inject(ADMIN_OPTIONS) private readonly options: ResolvedAdminOptions,
    @Inject(ADMIN_LOGGER) private readonly logger: Logger,
  ) {
    this.slots = new ReplaySlots(options.bulkReplayLimit);
    this.planSlots = new ReplaySlots(options.bulkReplayLimit, { one: 'dry run', many: 'dry runs' });
  }

  onApplicationShutdown(): void {
    this.runs.abortAll();
  }

  async search(query: SearchDeadLettersQuery): Promise<DeadLetterPageDto> {
    const { scan } = this.dlq();
    try {
      const page = await scan.page({
        criteria: toCriteria(query),
        order: query.order ?? 'newest',
        ...(query.cursor !== undefined ? { from: Number(query.cursor) } : {}),
        limit: query.limit ?? SEARCH_DEFAULT_LIMIT,
      });
      return {
        items: page.entries.map(itemOf),
        next: page.next === null ? null : String(page.next),
        scanned: page.scanned,
        total: page.total,
      };
    } catch (e) {
      // No DLQ stream yet means no dead letters yet, not an error to show.
      if (e instanceof DeadLetterStreamNotFoundError) return { items: [], next: null, scanned: 0, total: 0 };
      throw e;
    }
  }

  async view(seq: number, format?: PayloadFormat): Promise<DeadLetterDetailDto> {
    const { store } = this.dlq();
    const entry = await this.entry(seq);
    let payload: DeadLetterDetailDto['payload'] = null;
    let payloadError: string | undefined;
    try {
      const data = entry.kind === 'malformed' ? entry.data : await store.payload(entry);
      const encryption = payloadEncryptionNote(entry.headers);
      payload = viewPayload(data, { ...(format ? { format } : {}), encryption });
    } catch (e) {
      payloadError = e instanceof Error ? e.message : String(e);
    }
    const history = await this.history(seq, entry.kind === 'dead-letter' ? jobIdOf(entry) : undefined);
    const common = {
      ...itemOf(entry),
      storedAt: entry.storedAt.toISOString(),
      headers: headerPairs(entry.headers),
      payload,
      ...(payloadError !== undefined ? { payloadError } : {}),
      history,
    };
    if (entry.kind === 'malformed')
      return { ...common, stack: [], completed: false, payloadLocation: 'inline' };
    return {
      ...common,
      stack: entry.errorStack ? entry.errorStack.split(' | ').map(escapeControlChars) : [],
      completed: entry.completed,
      payloadLocation: entry.payload.kind,
      ...(entry.rawHeaders !== undefined ? { rawHeaders: escapeControlChars(entry.rawHeaders) } : {}),
      ...(entry.forgedHeaders !== undefined
        ? { forgedHeaders: escapeControlChars(entry.forgedHeaders) }
        : {}),
    };
  }

  /** Replays one dead letter now, through core's replay, and says where the job went. */
  async replayOne(actor: AuditActor, seq: number): Promise<ReplayedDto> {
    const entry = await this.dlq().store.get(seq);
    return this.audit.run(
      actor,
      { action: 'dlq.replay', target: this.target(seq), ...this.jobOf(entry) },
      async () => this.replayed(seq, entry, await this.replayEntry(seq, entry)),
      (r) => ({ stream: r.stream, streamSeq: r.streamSeq, duplicate: r.duplicate }),
    );
  }

  /**
   * Replays one dead letter with an operator's payload instead of its own, through the same core
   * replay (original subject, headers and job id; deleted only after the PubAck). The audit
   * entry keeps the original payload (`before`) and the edit (`after`).
   */
  async editReplay(actor: AuditActor, seq: number, dto: EditReplayDto): Promise<ReplayedDto> {
    const data = this.decodeEdit(dto);
    const { store } = this.dlq();
    const entry = await store.get(seq);
    // The edit would be published in clear under the original Jetbus-Enc header and fail to decrypt.
    if (entry?.kind === 'dead-letter' && payloadEncryptionNote(entry.headers))
      throw new ConflictException(
        `dead letter ${seq} has an encrypted payload, which the admin app cannot edit (it holds no keys): replay it as is`,
      );
    let original: ReturnType<typeof payloadSnapshot> | { error: string } | undefined;
    if (entry?.kind === 'dead-letter') {
      original = await store.payload(entry).then(payloadSnapshot, (e: Error) => ({ error: e.message }));
    }
    const job = this.jobOf(entry).before;
    return this.audit.run(
      actor,
      {
        action: 'dlq.edit-replay',
        target: this.target(seq),
        ...(job ? { before: { ...job, payload: original } } : {}),
        after: { payload: payloadSnapshot(data) },
      },
      async () => this.replayed(seq, entry, await this.replayEntry(seq, entry, data)),
      (r) => ({ stream: r.stream, streamSeq: r.streamSeq, duplicate: r.duplicate }),
    );
  }

  async delete(actor: AuditActor, seq: number): Promise<{ deleted: true }> {
    const { store } = this.dlq();
    const entry = await store.get(seq);
    return this.audit.run(
      actor,
      { action: 'dlq.delete', target: this.target(seq), ...this.jobOf(entry) },
      async () => {
        if (!entry || !(await store.delete(seq, entry))) throw new DeadLetterNotFoundError(store.stream, seq);
        return { deleted: true as const };
      },
    );
  }

  /** Deletes every dead letter the filter selects; an empty filter must say `all: true`. */
  async purge(actor: AuditActor, dto: PurgeDeadLettersDto): Promise<{ purged: number }> {
    const criteria = toCriteria(dto.filter);
    if (selectsAll(criteria) && !dto.all)
      throw new BadRequestException(
        'an empty filter selects every dead letter: send {"all": true} to purge them all',
      );
    const { store, scan } = this.dlq();
    return this.audit.run(
      actor,
      {
        action: 'dlq.purge',
        target: store.stream,
        filter: { ...(dto.filter ?? {}), ...(dto.all ? { all: true } : {}) },
      },
      async () => {
        // Everything: core purges the stream up to the last sequence seen, in one request.
        if (selectsAll(criteria)) return { purged: await store.purge() };
        let purged = 0;
        for await (const entry of scan.all(criteria)) if (await store.delete(entry.dlqSeq, entry)) purged++;
        return { purged };
      },
      (r) => r,
    );
  }

  /**
   * A dry run answers with the plan; a real run is selected now (so `total` is known and the
   * audit entry names it), recorded, then replayed in the background at `ratePerSecond`, and
   * recorded again with its final counts when it ends.
   */
  async replay(actor: AuditActor, dto: ReplayDeadLettersDto): Promise<ReplayPlanDto | ReplayStartedDto> {
    const criteria = toCriteria(dto.filter);
    if (!dto.seqs && selectsAll(criteria) && !dto.all)
      throw new BadRequestException(
        'name dead letters (seqs), give a filter, or send {"all": true} to replay every dead letter',
      );
    const { store } = this.dlq();
    const rate = dto.ratePerSecond !== undefined ? { ratePerSecond: dto.ratePerSecond } : {};
    if (dto.dryRun) {
      const slot = this.planSlots.take(actor.principal);
      try {
        const seqs = await this.select(dto.seqs, criteria);
        const report = await replayDeadLetters(
          store,
          this.connection.js,
          { ids: seqs },
          { ...rate, dryRun: true, ...this.replaySettings() },
        );
        return {
          dryRun: true,
          total: seqs.length,
          replayable: report.wouldReplay.length,
          wouldReplay: report.wouldReplay
            .slice(0, PLAN_LISTED)
            .map((p) => ({ seq: p.dlqSeq, subject: p.subject, stream: p.stream })),
          kept: reportErrors(report).slice(0, PLAN_LISTED),
        };
      } finally {
        slot.release();
      }
    }
    const action: AuditedAction = {
      action: 'dlq.replay',
      target: store.stream,
      filter: {
        ...(dto.seqs ? { seqs: dto.seqs } : {}),
        ...(dto.filter ? { filter: dto.filter } : {}),
        ...(dto.all ? { all: true } : {}),
        ...rate,
      },
    };
    // The slot is taken before the selection is read: reading it is load too, and a check after an
    // await would let parallel starts all pass.
    let slot: ReplaySlot;
    try {
      slot = this.slots.take(actor.principal);
    } catch (e) {
      await this.audit.record(actor, action, 'error', e instanceof Error ? e.message : String(e));
      throw e;
    }
    let started: { replayId: string; signal: AbortSignal } | undefined;
    let seqs: number[];
    try {
      seqs = await this.select(dto.seqs, criteria);
      const total = seqs.length;
      started = this.runs.start(total);
      const run = started;
      await this.audit.run(
        actor,
        action,
        () => Promise.resolve(run),
        ({ replayId }) => ({ state: 'started', replayId, total }),
      );
    } catch (e) {
      // Nothing runs without its start in the trail: the run (if any) ends here and frees its slot.
      if (started) this.runs.finish(started.replayId, e instanceof Error ? e : new Error(String(e)));
      slot.release();
      throw e;
    }
    void this.runInBackground(actor, action, started.replayId, started.signal, seqs, rate).finally(() =>
      slot.release(),
    );
    return { replayId: started.replayId, total: seqs.length };
  }

  replayStatus(replayId: string): ReplayRunDto | undefined {
    return this.runs.get(replayId);
  }

  private async runInBackground(
    actor: AuditActor,
    action: AuditedAction,
    replayId: string,
    signal: AbortSignal,
    seqs: number[],
    rate: { ratePerSecond?: number },
  ): Promise<void> {
    let result: ReplayReport | Error;
    try {
      result = await replayDeadLetters(
        this.dlq().store,
        this.connection.js,
        { ids: seqs },
        {
          ...rate,
          signal,
          onProgress: (p) => this.runs.progress(replayId, p),
          ...this.replaySettings(),
        },
      );
    } catch (e) {
      result = e instanceof Error ? e : new Error(String(e));
    }
    const view = this.runs.finish(replayId, result);
    const outcome = view && {
      state: view.state,
      replayId,
      total: view.total,
      replayed: view.replayed,
      skipped: view.skipped,
      failed: view.failed,
    };
    try {
      if (result instanceof Error) await this.audit.record(actor, action, 'error', result.message);
      else
        await this.audit.run(
          actor,
          action,
          () => Promise.resolve(outcome),
          (o) => o,
        );
    } catch (e) {
      // Nobody waits for a background run: its end is logged when the trail cannot take it.
      this.logger.error({ err: e, replayId, outcome }, 'could not record the end of a dead-letter replay');
    }
  }

  /** The DLQ sequences a bulk replay acts on, ascending: named ones that match, or all that match. */
  private async select(seqs: number[] | undefined, criteria: DeadLetterCriteria): Promise<number[]> {
    const { store, scan } = this.dlq();
    if (seqs) {
      const unique = [...new Set(seqs)].sort((a, b) => a - b);
      if (selectsAll(criteria)) return unique;
      const kept: number[] = [];
      for (const seq of unique) {
        const entry = await store.get(seq);
        if (entry && matchesCriteria(entry, criteria)) kept.push(seq);
      }
      return kept;
    }
    const out: number[] = [];
    for await (const entry of scan.all(criteria)) out.push(entry.dlqSeq);
    return out;
  }

  /** One dead letter through core's replay; a replacement payload makes it an edit-and-replay. */
  private async replayEntry(
    seq: number,
    entry: DeadLetterEntry | undefined,
    payload?: Uint8Array,
  ): Promise<ReplayReport> {
    const { store } = this.dlq();
    if (!entry) throw new DeadLetterNotFoundError(store.stream, seq);
    return replayDeadLetters(
      store,
      this.connection.js,
      { ids: [seq] },
      { ...(payload ? { payload } : {}), ...this.replaySettings() },
    );
  }

  /**
   * What every replay of the app is told: never publish into the audit stream (a dead letter's
   * subject must not forge an entry), who the app is connected as (named by a refusal), and the
   * server's max_payload (a job too large with its headers is a 413, not a 503 to retry).
   */
  private replaySettings(): Pick<ReplayOptions, 'protectedStreams' | 'user' | 'maxPayload'> {
    return {
      protectedStreams: [this.audit.stream],
      user: this.connection.user,
      maxPayload: this.connection.maxPayload,
    };
  }

  /** Core's report of one replay as the answer, or the error that kept the dead letter. */
  private replayed(seq: number, entry: DeadLetterEntry | undefined, report: ReplayReport): ReplayedDto {
    const done = report.replayed[0];
    if (done)
      return {
        seq,
        subject: done.subject,
        stream: done.stream,
        streamSeq: done.seq,
        duplicate: done.duplicate,
      };
    const failed = report.failed[0];
    if (failed) throw failed.error;
    const skipped = report.skipped[0];
    if (skipped?.reason.startsWith('not found'))
      throw new DeadLetterNotFoundError(this.dlq().store.stream, seq);
    throw new ConflictException(
      `dead letter ${seq} was not replayed: ${skipped?.reason ?? 'no reason given'}`,
    );
  }

  private async entry(seq: number): Promise<DeadLetterEntry> {
    const { store } = this.dlq();
    const entry = await store.get(seq);
    if (!entry) throw new DeadLetterNotFoundError(store.stream, seq);
    return entry;
  }

  private async history(seq: number, jobId: string | undefined): Promise<DeadLetterDetailDto['history']> {
    const { jsm, js } = this.connection;
    const { state } = await jsm.streams.info(this.audit.stream);
    if (state.messages === 0) return [];
    const reader = new StreamWindowReader(jsm, js, this.audit.stream, false);
    return readHistory(
      { reader, firstSeq: state.first_seq, lastSeq: state.last_seq },
      this.target(seq),
      jobId,
    );
  }

  private decodeEdit(dto: EditReplayDto): Uint8Array {
    let data: Uint8Array;
    if (dto.encoding === 'base64') {
      if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(dto.payload))
        throw new BadRequestException('payload must be base64 (encoding is base64)');
      data = new Uint8Array(Buffer.from(dto.payload, 'base64'));
    } else {
      data = new TextEncoder().encode(dto.payload);
    }
    const max = this.connection.nc.info?.max_payload;
    if (max !== undefined && data.byteLength > max)
      throw new PayloadTooLargeException(
        `payload is ${data.byteLength} bytes; the server takes at most ${max}`,
      );
    return data;
  }

  /** The job a single-entry action is about, for the audit entry's `before` (and the history lookup). */
  private jobOf(entry: DeadLetterEntry | undefined): { before?: AuditedJob } {
    if (entry?.kind !== 'dead-letter') return {};
    return { before: { jobId: jobIdOf(entry as DeadLetterRecord), subject: entry.subject } };
  }

  private target(seq: number): string {
    return deadLetterTarget(this.options.deadLetterStream, seq);
  }

  /** The store and its scanner, made once the NATS connection is up. */
  private dlq(): { store: DeadLetterStore; scan: DeadLetterScan } {
    if (!this.cached) {
      const { jsm, js } = this.connection;
      const store = new DeadLetterStore(jsm, { stream: this.options.deadLetterStream });
      this.cached = {
        store,
        scan: new DeadLetterScan(store, new StreamWindowReader(jsm, js, store.stream, true)),
      };
    }
    return this.cached;
  }
}
