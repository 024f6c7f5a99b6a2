import { Injectable } from '@nestjs/common';
import { AckPolicy } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { JobHandler, Payload } from '@jetbus/core';
import { readDeadLetters } from '../support/dead-letters';
import { useJetbus } from '../support/use-jetbus';
import { sleep, waitFor } from '../support/wait-for';

@Injectable()
class OtherJobs {
  // Only here so this process runs the reaper for stream LIM.
  @JobHandler('lim.other')
  run(@Payload() _job: unknown): void {}
}

/**
 * nats-server sends the MAX_DELIVERIES advisories of earlier max-delivered messages again after a
 * restart. On a limits stream the message is still there, so once the DLQ's duplicate window has
 * passed, only a record of what was already dead-lettered keeps the reaper from a second copy.
 */
describe('re-sent max-deliveries advisories', () => {
  const t = useJetbus({ name: 'lim', streams: [{ name: 'LIM', subjects: ['lim.>'] }] }, [OtherJobs]);

  it('never dead-letters the same message twice, even past the DLQ duplicate window', async () => {
    const { jsm } = t.connection;
    const dlq = await jsm.streams.info('JETBUS_DLQ');
    await jsm.streams.update('JETBUS_DLQ', { ...dlq.config, duplicate_window: nanos(1_000) });
    // A consumer that takes jobs and never settles them: the server gives up after 2 deliveries.
    await jsm.consumers.add('LIM', {
      durable_name: 'raw',
      filter_subject: 'lim.job',
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(1_000),
      max_deliver: 2,
    });
    const seqs: number[] = [];
    for (let i = 0; i < 3; i++)
      seqs.push((await t.js.publish('lim.job', new TextEncoder().encode(`{"i":${i}}`))).seq);
    // Pulls and never acks. The server emits the advisory when it would deliver once more.
    const pull = async () => {
      const raw = await t.js.consumers.get('LIM', 'raw');
      for await (const m of await raw.fetch({ max_messages: 10, expires: 1_000 })) void m;
    };
    await waitFor(
      'three dead letters from the reaper',
      async () => {
        await pull();
        return (await readDeadLetters(jsm)).length === 3;
      },
      30_000,
      0,
    );
    const advisoriesBefore = (await jsm.streams.info('JETBUS_ADVISORIES')).state.last_seq;
    await sleep(1_500); // past the DLQ's duplicate window

    await t.server.shutdown();
    await t.server.restart();
    await waitFor(
      'the advisories re-sent by the restarted server',
      async () => {
        await pull();
        const { state } = await t.connection.jsm.streams.info('JETBUS_ADVISORIES');
        return state.last_seq >= advisoriesBefore + 3;
      },
      30_000,
      0,
    );
    await waitFor('the reaper to handle them', async () => {
      const c = await t.connection.jsm.consumers.info('JETBUS_ADVISORIES', 'jetbus-reaper_LIM');
      return c.num_pending === 0 && c.num_ack_pending === 0;
    });

    const dead = await readDeadLetters(t.connection.jsm);
    expect(dead.map((d) => d.seq).sort((a, b) => a - b)).toEqual(seqs);
  });
});
