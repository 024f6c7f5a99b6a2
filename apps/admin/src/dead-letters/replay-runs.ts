import { randomUUID } from 'node:crypto';
import { type ReplayReport } from '@jetbus/core';
import { type ReplayErrorDto, type ReplayRunDto } from './dto/replay-run.dto';

/** Finished runs kept for polling; older ones are forgotten first (the audit trail keeps them all). */
const KEPT_RUNS = 100;
/** Failures and skips listed per run; the counts are always complete. */
export const LISTED_ERRORS = 100;

interface Run {
  view: ReplayRunDto;
  abort: AbortController;
}

/**
 * Bulk replays running in the background in this process, by id, for progress polling. A restart
 * forgets them (a replay that was cut short is resumed by replaying the same selection again:
 * replayed entries are gone from the DLQ and the replay msg id deduplicates the rest).
 */
export class ReplayRuns {
  private readonly runs = new Map<string, Run>();

  /** A new run of `total` dead letters; its counters move with `progress`, it ends with `finish`. */
  start(total: number): { replayId: string; signal: AbortSignal } {
    const replayId = randomUUID();
    const abort = new AbortController();
    this.runs.set(replayId, {
      abort,
      view: {
        state: 'running',
        total,
        replayed: 0,
        skipped: 0,
        failed: 0,
        startedAt: new Date().toISOString(),
        finishedAt: null,
        errors: [],
      },
    });
    this.forgetOld();
    return { replayId, signal: abort.signal };
  }

  progress(replayId: string, counts: { replayed: number; skipped: number; failed: number }): void {
    const run = this.runs.get(replayId);
    if (run) {
      run.view.replayed = counts.replayed;
      run.view.skipped = counts.skipped;
      run.view.failed = counts.failed;
    }
  }

  /** Final counts from core's report (or the error that stopped the run). */
  finish(replayId: string, result: ReplayReport | Error): ReplayRunDto | undefined {
    const run = this.runs.get(replayId);
    if (!run) return undefined;
    run.view.finishedAt = new Date().toISOString();
    if (result instanceof Error) {
      run.view.state = 'failed';
      run.view.errors = [...run.view.errors, { seq: 0, message: result.message }].slice(0, LISTED_ERRORS);
      return run.view;
    }
    run.view.state = result.aborted ? 'failed' : 'done';
    run.view.replayed = result.replayed.length;
    run.view.skipped = result.skipped.length;
    run.view.failed = result.failed.length;
    run.view.errors = reportErrors(result).slice(0, LISTED_ERRORS);
    return run.view;
  }

  get(replayId: string): ReplayRunDto | undefined {
    const run = this.runs.get(replayId);
    return run && { ...run.view, errors: [...run.view.errors] };
  }

  /** Stops every running replay before the next dead letter (the app is shutting down). */
  abortAll(): void {
    for (const run of this.runs.values()) run.abort.abort();
  }

  private forgetOld(): void {
    const finished = [...this.runs].filter(([, r]) => r.view.state !== 'running');
    for (const [id] of finished.slice(0, Math.max(0, finished.length - KEPT_RUNS))) this.runs.delete(id);
  }
}

/** Failures first, then skips, each with why. */
export function reportErrors(report: ReplayReport): ReplayErrorDto[] {
  return [
    ...report.failed.map((f) => ({ seq: f.dlqSeq, message: f.error.message })),
    ...report.skipped.map((s) => ({ seq: s.dlqSeq, message: `skipped: ${s.reason}` })),
  ];
}
