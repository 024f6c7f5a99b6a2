import { Injectable } from '@nestjs/common';
import { Ctx, type JetbusContext, JobHandler, Payload } from '@jetbus/core';
import { useJetbus } from '../support/use-jetbus';
import { waitFor } from '../support/wait-for';

const runs: { subject: string; id: string; delivery: number }[] = [];
const WORK_MS = 1_400;

@Injectable()
class SlotJobs {
  /** One slot, three lanes: each empty lane's one-message pull brings a job beyond `prefetch`. */
  @JobHandler('slot.prio', { priorities: true, concurrency: 1, ackWait: '1s' })
  async prio(@Payload() job: { id: string }, @Ctx() ctx: JetbusContext): Promise<void> {
    runs.push({ subject: 'slot.prio', id: job.id, delivery: ctx.deliveryCount });
    await new Promise((r) => setTimeout(r, WORK_MS));
  }

  /** One slot, three jobs pulled ahead. */
  @JobHandler('slot.ahead', { prefetch: 3, concurrency: 1, ackWait: '1s' })
  async ahead(@Payload() job: { id: string }, @Ctx() ctx: JetbusContext): Promise<void> {
    runs.push({ subject: 'slot.ahead', id: job.id, delivery: ctx.deliveryCount });
    await new Promise((r) => setTimeout(r, WORK_MS));
  }
}

/**
 * A job delivered to a worker and waiting there for a free handler slot, longer than `ackWait`, is
 * kept alive by `working()` like a running one: the server does not redeliver it, so it runs once.
 */
describe('jobs waiting for a handler slot longer than ackWait', () => {
  const t = useJetbus(
    { name: 'slot', streams: [{ name: 'SLOT', subjects: ['slot.>'], retention: 'workqueue' }] },
    [SlotJobs],
  );

  it.each([
    ['a priorities handler (lane pulls beyond prefetch)', 'slot.prio', 'slot_slot-prio'],
    ['prefetch above concurrency', 'slot.ahead', 'slot_slot-ahead'],
  ])(
    '%s: each job runs once, on its first delivery',
    async (_what, subject, durable) => {
      const ids = ['a', 'b', 'c'];
      await Promise.all(
        ids.map((id, i) =>
          t.bus.publish(
            subject,
            { id },
            subject === 'slot.prio' ? { priority: (['high', undefined, 'low'] as const)[i] } : {},
          ),
        ),
      );
      await waitFor(
        'every job ran',
        () => new Set(runs.filter((r) => r.subject === subject).map((r) => r.id)).size === 3,
        30_000,
      );
      await waitFor(
        'the handler drained',
        async () => {
          for (const d of subject === 'slot.prio'
            ? [durable, `${durable}_prio_high`, `${durable}_prio_low`]
            : [durable]) {
            const c = await t.jsm.consumers.info('SLOT', d);
            if (c.num_pending > 0 || c.num_ack_pending > 0) return false;
          }
          return true;
        },
        30_000,
      );
      const mine = runs.filter((r) => r.subject === subject);
      expect(mine.map((r) => `${r.id} ${r.delivery}`).sort()).toEqual(['a 1', 'b 1', 'c 1']);
    },
    45_000,
  );
});
