import net from 'node:net';
import { Injectable } from '@nestjs/common';
import { JobHandler, Payload } from '@jetbus/core';
import { useJetbus } from '../support/use-jetbus';
import { waitFor } from '../support/wait-for';

/*
 * The acks of the jobs that finish in one event-loop turn leave in one socket write (AckBatch). Each
 * ack used to cost a write of its own: the largest item of the drain's CPU profile. Counted on the
 * socket itself, with real nats-server: writes that carry acks, against jobs acked.
 */

const JOBS = 2_000;
const done = new Set<number>();

@Injectable()
class QuickJobs {
  @JobHandler('quick.job', { concurrency: 64 })
  run(@Payload() job: { n: number }): void {
    done.add(job.n);
  }
}

describe('ack batching', () => {
  const t = useJetbus(
    { name: 'quick', streams: [{ name: 'QUICK', subjects: ['quick.>'], retention: 'workqueue' }] },
    [QuickJobs],
  );

  it('sends the acks of one event-loop turn in one socket write, and every job is acked once', async () => {
    const original = net.Socket.prototype.write;
    let ackWrites = 0;
    let acks = 0;
    const count = (chunk: unknown) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('latin1');
      const n = text.split('+ACK').length - 1;
      if (n > 0) {
        ackWrites++;
        acks += n;
      }
    };
    net.Socket.prototype.write = function (this: net.Socket, chunk: unknown, ...rest: unknown[]) {
      count(chunk);
      return (original as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
    } as typeof original;
    try {
      await t.bus.publishMany(
        Array.from({ length: JOBS }, (_, n) => ({ subject: 'quick.job', data: { n } })),
      );
      await waitFor('every job ran', () => done.size === JOBS, 60_000);
      const { jsm } = t.connection;
      await waitFor('every job acked', async () => {
        const c = await jsm.consumers.info('QUICK', 'quick_quick-job');
        return c.num_ack_pending === 0 && c.num_pending === 0;
      });
    } finally {
      net.Socket.prototype.write = original;
    }
    expect(acks).toBe(JOBS);
    // One write per ack before; now one per turn that finished jobs (a fetch batch finishes together).
    console.log(`ack batching: ${acks} acks in ${ackWrites} socket writes`);
    expect(ackWrites).toBeLessThanOrEqual(JOBS / 4);
    expect((await t.connection.jsm.consumers.info('QUICK', 'quick_quick-job')).num_redelivered).toBe(0);
  });
});
