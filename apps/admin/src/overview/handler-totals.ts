import { type WorkerHeartbeat } from '@jetbus/core';
import { type HandlerTotalsDto } from './dto/overview.dto';

/**
 * Each handler's counters summed over `workers`, ordered by handler then subject. Several
 * processes run the same handler (scaled out); one process never runs it twice.
 */
export function handlerTotals(workers: readonly WorkerHeartbeat[]): HandlerTotalsDto[] {
  const totals = new Map<string, HandlerTotalsDto>();
  for (const worker of workers) {
    for (const h of worker.handlers) {
      const key = `${h.handler}\n${h.subject}`;
      const sum = totals.get(key) ?? {
        handler: h.handler,
        subject: h.subject,
        processed: 0,
        failed: 0,
        retried: 0,
        deadLettered: 0,
        inFlight: 0,
      };
      sum.processed += h.processed;
      sum.failed += h.failed;
      sum.retried += h.retried;
      sum.deadLettered += h.deadLettered;
      sum.inFlight += h.inFlight;
      totals.set(key, sum);
    }
  }
  return [...totals.values()].sort(
    (a, b) => a.handler.localeCompare(b.handler) || a.subject.localeCompare(b.subject),
  );
}
