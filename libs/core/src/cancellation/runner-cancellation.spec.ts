import { type JsMsg } from '@nats-io/jetstream';
import pino from 'pino';
import { JobCancelledError } from '../errors';
import { type CancelWatch } from './cancel-watch';
import { type CancellationStore, type JobCancellation, cancellationKey } from './cancellation-store';
import { type CancelGuard, RunnerCancellation } from './runner-cancellation';

const msg = {
  subject: 'exports.run',
  headers: undefined,
  redelivered: false,
  info: { stream: 'EXPORTS', streamSequence: 7 },
} as unknown as JsMsg;
const KEY = cancellationKey('EXPORTS:7');
const request: JobCancellation = {
  jobId: 'EXPORTS:7',
  state: 'requested',
  requestedAt: new Date(0).toISOString(),
};

/** The watch's contract in memory: what is already cancelled, and a listener per running job. */
function watch(known?: JobCancellation) {
  const listeners = new Map<string, (r: JobCancellation) => void>();
  const fake = {
    get: (key: string) => (key === KEY ? known : undefined),
    onCancel: (key: string, fn: (r: JobCancellation) => void) => {
      listeners.set(key, fn);
      return () => listeners.delete(key);
    },
    // Every open request is held: a job not found has none (no bucket read).
    complete: () => true,
  };
  return { watch: fake as unknown as CancelWatch, cancel: () => listeners.get(KEY)?.(request), listeners };
}

const runner = (w: CancelWatch) =>
  new RunnerCancellation(w, {} as CancellationStore, pino({ level: 'silent' }));

/** Whether a promise settled by now; never waits for one that does not. */
const settled = async (p: Promise<unknown>) =>
  Promise.race([
    p.then(
      () => 'resolved',
      (e: unknown) => e,
    ),
    new Promise((r) => setImmediate(() => r('pending'))),
  ]);

describe('RunnerCancellation', () => {
  describe('arm', () => {
    it.each([
      ['before', true],
      ['after', false],
    ])(
      'a cancel while running aborts the job and rejects `aborted` (read %s the cancel) with one error',
      async (_, early) => {
        const w = watch();
        const reasons: unknown[] = [];
        const guard = runner(w.watch).arm(msg, { abort: (reason) => reasons.push(reason) }) as CancelGuard;
        expect(guard.while).toBe('running');
        const before = early ? guard.aborted : undefined;
        w.cancel();
        const aborted = before ?? guard.aborted;
        const error = await settled(aborted);
        expect(error).toBeInstanceOf(JobCancelledError);
        expect(reasons).toEqual([error]);
        expect(guard.error).toBe(error);
        expect(guard.cancelled).toBe(request);
      },
    );

    it('a job cancelled while queued is not aborted, and its `aborted` never settles (it does not run)', async () => {
      const w = watch(request);
      const reasons: unknown[] = [];
      const guard = runner(w.watch).arm(msg, { abort: (reason) => reasons.push(reason) }) as CancelGuard;
      expect(guard.while).toBe('queued');
      expect(guard.cancelled).toBe(request);
      expect(await settled(guard.aborted)).toBe('pending');
      expect(reasons).toEqual([]);
      expect(guard.error).toBeInstanceOf(JobCancelledError);
      expect(w.listeners.size).toBe(0);
    });

    it('a job nobody cancels: nothing aborted, `aborted` pending, and dispose stops listening', async () => {
      const w = watch();
      const reasons: unknown[] = [];
      const guard = runner(w.watch).arm(msg, { abort: (reason) => reasons.push(reason) }) as CancelGuard;
      expect(await settled(guard.aborted)).toBe('pending');
      guard.dispose();
      w.cancel();
      expect(reasons).toEqual([]);
      expect(guard.cancelled).toBeUndefined();
    });
  });
});
