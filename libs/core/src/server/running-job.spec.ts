import { type JsMsg } from '@nats-io/jetstream';
import { RunningJob } from './running-job';

const msg = { subject: 'orders.created', info: { deliveryCount: 3 } } as unknown as JsMsg;

describe('RunningJob', () => {
  describe('abort', () => {
    it('when the signal is read after the abort (a handler that looks late): it is already aborted, with the reason', () => {
      const job = new RunningJob(msg, 0);
      const reason = new Error('worker shutting down');
      job.abort(reason);
      const signal = job.context().signal;
      expect(signal.aborted).toBe(true);
      expect(signal.reason).toBe(reason);
    });

    it('when the signal was read first: it aborts then, and its listeners run', () => {
      const job = new RunningJob(msg, 0);
      const signal = job.controller.signal;
      const heard: unknown[] = [];
      signal.addEventListener('abort', () => heard.push(signal.reason));
      const reason = new Error('timed out');
      job.abort(reason);
      expect(heard).toEqual([reason]);
    });

    it.each([
      ['before', false],
      ['after', true],
    ])('keeps the first reason, as AbortController does (signal read %s the aborts)', (_, late) => {
      const job = new RunningJob(msg, 0);
      const first = new Error('timed out');
      if (!late) void job.controller.signal;
      job.abort(first);
      job.abort(new Error('worker shutting down'));
      expect(job.controller.signal.reason).toBe(first);
    });
  });

  describe('context', () => {
    it('is built once, with the attempt of its lane', () => {
      const job = new RunningJob(msg, 0);
      job.lane = { kind: 'shared', attempt: 2 };
      const ctx = job.context();
      expect(job.context()).toBe(ctx);
      expect(ctx.attempt).toBe(2);
      expect(ctx.signal).toBe(job.controller.signal);
    });

    it("leaves the attempt to the server's delivery count when isolation is off (attempt 0)", () => {
      const job = new RunningJob(msg, 0);
      job.lane = { kind: 'shared', attempt: 0 };
      expect(job.context().attempt).toBe(3);
    });
  });
});
