import { JetbusServer, NoStreamForSubjectError, StartupError } from '@jetbus/core';
import { type RequestFault } from '../support/request-fault-proxy';
import { STARTUP_PATHS, useStartupWorker } from '../support/startup-worker';

/*
 * Every JetStream request a worker awaits while it starts, refused by JetStream (an API error that is
 * not 10008): start() must reject at once with a StartupError naming the request, the API error as
 * its cause, never with nats.js' own error. Same worker and proxy as startup-elections.e2e.ts.
 */

const REFUSAL: RequestFault = { code: 500, errCode: 10001, description: 'refused by the test' };

const startFails = (start: Promise<void>): Promise<unknown> =>
  start.then(
    () => new Error('start() resolved'),
    (e: unknown) => e,
  );

describe('a worker whose startup requests JetStream refuses', () => {
  const t = useStartupWorker();

  it.each(STARTUP_PATHS)(
    'rejects start() with a StartupError naming $what',
    async ({ pattern, skip, step }) => {
      const worker = await t.worker();
      const rule = t.proxy.fail(pattern, REFUSAL, { skip, times: Infinity });
      const e = await startFails(worker.get(JetbusServer).start());
      expect(rule.faulted).toBe(1);
      expect(e).toBeInstanceOf(StartupError);
      expect(e).toMatchObject({ code: 'STARTUP', step, cause: expect.objectContaining({ code: 10001 }) });
      expect((e as StartupError).message).toContain('refused by the test');
    },
  );

  it('still reports a subject no stream captures as NoStreamForSubjectError', async () => {
    const worker = await t.worker();
    t.proxy.fail('$JS.API.STREAM.NAMES', { code: 404, errCode: 10059, description: 'stream not found' });
    const e = await startFails(worker.get(JetbusServer).start());
    expect(e).toBeInstanceOf(NoStreamForSubjectError);
  });
});
