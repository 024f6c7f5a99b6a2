import { type Logger } from 'pino';
import { type JetbusConnection } from '../connection/jetbus.connection';
import {
  DeadLetterMarks,
  type MaxDeliveriesAdvisory,
  MaxDeliveriesReaper,
  REAPER_MAX_ATTEMPTS,
  type StreamDeadLetterSink,
  maxDeliveriesAdvisorySubject,
} from '../dead-letter';
import { type JetbusMetrics } from '../observability/jetbus-metrics';
import { type UniqueKeys, releaseUniqueKey } from '../unique';
import { laneOwnerCandidates } from '../wire/lane-names';
import { jobIdFromHeaders } from './completed-jobs';
import { type HandlerSpec } from './handler-registrar';
import { type PreparedHandler } from './prepared-handler';

export interface ReaperSettings {
  /** The dead-letter stream and the advisory stream (their own advisories are not reaped). */
  deadLetterStream: string;
  advisoryStream: string;
  /** The reaper durable of one source stream. */
  durable: (sourceStream: string) => string;
}

/**
 * The reaper's handler specs: it runs as handlers too, the advisory stream its queue, so the runner
 * gives it retries with backoff (a DLQ briefly unavailable only delays it), bounded by
 * `REAPER_MAX_ATTEMPTS`. One durable per source stream this process's `handlers` consume, filtered
 * to that stream's advisories: a service reaps only streams it works on (and has permissions for),
 * and each advisory is handled once. No poison isolation (`crashLimit: 0`): it runs jetbus's code.
 */
export function reaperSpecs(
  handlers: PreparedHandler[],
  settings: ReaperSettings,
  sink: StreamDeadLetterSink,
  deps: { connection: JetbusConnection; metrics: JetbusMetrics; log: Logger; uniqueKeys: UniqueKeys },
): HandlerSpec[] {
  const byDurable = new Map(handlers.map((h) => [`${h.stream}/${h.options.durable}`, h]));
  // A lane durable's jobs belong to the handler whose lanes it is (its DLQ, its completed keys).
  const byConsumer = {
    get: (key: string): PreparedHandler | undefined => {
      const own = byDurable.get(key);
      if (own) return own;
      const [stream, consumer] = key.split('/');
      return laneOwnerCandidates(consumer)
        .map((d) => byDurable.get(`${stream}/${d}`))
        .find((h) => h?.options.lanes);
    },
  };
  const reaper = new MaxDeliveriesReaper(deps.connection.jsm, sink, {
    ignoreStreams: [settings.deadLetterStream, settings.advisoryStream],
    logger: deps.log,
    targetFor: (stream, consumer) => byConsumer.get(`${stream}/${consumer}`)?.options.deadLetter || undefined,
    onMinimal: (stream) => deps.metrics.minimalDeadLetter(stream),
    completed: async (stream, consumer, stored) => {
      const h = byConsumer.get(`${stream}/${consumer}`);
      if (!h?.completed || !h.options.idempotency) return false;
      const id = jobIdFromHeaders(h.options.idempotency, stored.headers, stream, stored.seq);
      return id !== undefined && h.completed.has(id);
    },
    marks: new DeadLetterMarks(deps.connection.js, deps.log),
    // A job dead-lettered here reached its final outcome as surely as one its worker dead-lettered.
    finished: (headers) => releaseUniqueKey(deps.uniqueKeys, headers, deps.log),
  });
  const sources = new Set(handlers.map((h) => h.stream));
  sources.delete(settings.deadLetterStream);
  sources.delete(settings.advisoryStream);
  return [...sources].map((source) => ({
    name: `jetbus.reaper(${source})`,
    metricsName: 'jetbus.reaper',
    subject: maxDeliveriesAdvisorySubject(source),
    where: `deadLetter.reaper(${source})`,
    defaults: {},
    options: {
      durable: settings.durable(source),
      stream: settings.advisoryStream,
      concurrency: 2,
      maxAttempts: REAPER_MAX_ATTEMPTS,
      crashLimit: 0,
      backoff: { type: 'exponential', delay: '1s', maxDelay: '1m' },
      validate: false,
    },
    invoke: (payload, job) => reaper.reap(payload as MaxDeliveriesAdvisory, job.context().attempt),
  }));
}
