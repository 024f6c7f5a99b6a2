import { Injectable } from '@nestjs/common';
import { JobHandler, Payload } from '@jetbus/core';
import { startJetbusApp } from '../support/jetbus-app';
import { useAdmin } from '../support/use-admin';
import { waitFor } from '../support/wait-for';

interface Drift {
  field: string;
  declared: unknown;
  actual: unknown;
}
interface Consumer {
  name: string;
  drift: Drift[] | null;
}

@Injectable()
class DriftJobs {
  @JobHandler('drift.jobs', { maxInFlight: 40, ackWait: '20s' })
  run(@Payload() _job: unknown): void {}
}

describe('consumer drift against a real worker declaration', () => {
  const t = useAdmin();

  const drift = async (): Promise<Drift[] | null> => {
    const res = await t.api('viewer').get<{ consumers: Consumer[] }>('/api/streams/DRIFT/consumers');
    expect(res.status).toBe(200);
    return res.body.consumers.find((c) => c.name === 'drifter_drift-jobs')?.drift ?? null;
  };

  it('shows none while the live consumer is what the handler provisions, then the field someone changed', async () => {
    await t.jsm.streams.add({ name: 'DRIFT', subjects: ['drift.>'] });
    const app = await startJetbusApp(
      { servers: t.server.url, name: 'drifter', logger: false, heartbeat: { interval: '200ms' } },
      [DriftJobs],
    );
    try {
      const durable = (await t.jsm.consumers.list('DRIFT').next()).map((c) => c.name);
      expect(durable).toEqual(['drifter_drift-jobs']);
      await waitFor('a heartbeat that declares the consumer', async () => (await drift()) !== null);
      expect(await drift()).toEqual([]);

      // An operator raises max_ack_pending by hand: the admin app shows declared vs live.
      const info = await t.jsm.consumers.info('DRIFT', 'drifter_drift-jobs');
      await t.jsm.consumers.update('DRIFT', 'drifter_drift-jobs', { ...info.config, max_ack_pending: 500 });
      expect(await drift()).toEqual([{ field: 'max_ack_pending', declared: 40, actual: 500 }]);
    } finally {
      await app.close();
    }
  });
});
