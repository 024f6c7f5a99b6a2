import { Injectable } from '@nestjs/common';
import { JobHandler, Payload, StreamLimitError } from '@jetbus/core';
import { useJetbus } from '../support/use-jetbus';
import { waitFor } from '../support/wait-for';

const handled = new Set<string>();

@Injectable()
class SlowSink {
  @JobHandler('flood.job', { concurrency: 4 })
  async take(@Payload() job: { id: string }): Promise<void> {
    await new Promise((r) => setTimeout(r, 2));
    handled.add(job.id);
  }
}

describe('flooding a bounded stream', () => {
  const t = useJetbus(
    {
      name: 'flood',
      logger: false,
      streams: [
        { name: 'FLOOD', subjects: ['flood.job'], retention: 'workqueue', maxMsgs: 200, discard: 'new' },
        { name: 'TENANTS', subjects: ['tenant.*'], maxMsgsPerSubject: 3, discard: 'new' },
        { name: 'BLOBS', subjects: ['blob.>'], maxBytes: 4096, discard: 'new' },
      ],
    },
    [SlowSink],
  );

  it('refuses what does not fit with StreamLimitError and processes every job it accepted', async () => {
    const bus = t.bus;
    const accepted: string[] = [];
    const refused: string[] = [];
    // Fire 3,000 publishes as fast as possible at a 200-message work queue drained at ~2k/s.
    await Promise.all(
      Array.from({ length: 3000 }, async (_, i) => {
        const id = `f-${i}`;
        try {
          await bus.publish('flood.job', { id });
          accepted.push(id);
        } catch (e) {
          expect(e).toBeInstanceOf(StreamLimitError);
          refused.push(id);
        }
      }),
    );
    expect(accepted.length + refused.length).toBe(3000);
    expect(refused.length).toBeGreaterThan(0);
    await waitFor('every accepted job handled', () => accepted.every((id) => handled.has(id)));
    expect([...handled].sort()).toEqual([...accepted].sort());
  });

  it('applies per-subject and byte limits the same way, keeping what was stored', async () => {
    const bus = t.bus;
    const { jsm } = t.connection;
    for (let i = 0; i < 3; i++) await bus.publish('tenant.acme', { i });
    await expect(bus.publish('tenant.acme', { i: 3 })).rejects.toBeInstanceOf(StreamLimitError);
    await bus.publish('tenant.other', { i: 0 });
    expect((await jsm.streams.info('TENANTS')).state.messages).toBe(4);

    const blob = { data: 'x'.repeat(1500) };
    await bus.publish('blob.a', blob);
    await bus.publish('blob.b', blob);
    await expect(bus.publish('blob.c', blob)).rejects.toBeInstanceOf(StreamLimitError);
    expect((await jsm.streams.info('BLOBS')).state.messages).toBe(2);
  });
});
