import { JetbusServer } from '@jetbus/core';
import { type FaultRule } from '../support/request-fault-proxy';
import { STARTUP_PATHS, useStartupWorker } from '../support/startup-worker';

/*
 * Every JetStream request a worker awaits while it starts, met with what a cluster electing a leader
 * answers: 10008 "temporarily unavailable" or nothing at all. A real nats-server, and between it and
 * the worker a proxy that faults the chosen request (test/support/request-fault-proxy.ts); the worker
 * must ride out the election, say which request it waits for, and then run jobs. The same requests
 * refused: startup-refusals.e2e.ts; a real cluster: startup-node-kill.e2e.ts.
 */

describe('a worker whose startup requests meet a leader election', () => {
  const t = useStartupWorker();

  it.each(STARTUP_PATHS)('rides out 10008 on $what, then runs jobs', async ({ pattern, skip, step }) => {
    const worker = await t.worker();
    const rule = t.proxy.fail(pattern, 'unavailable', { skip, times: 2 });
    await worker.get(JetbusServer).start();
    expect(rule.faulted).toBe(2);
    expect(t.waitedFor(step)).toBe(true);
    await t.runsAJob(worker);
  });

  // Not JetStream API requests: a put to the periodic bucket (a publish) and a read of it (a message
  // get, direct or not), each unanswered once; each waits out nats.js' 5 s request timeout first.
  const kvCases: [string, string[], string][] = [
    [
      'recording the periodic schedule',
      ['$KV.JETBUS_PERIODIC.def.>'],
      'record periodic schedule boot-tick in JETBUS_PERIODIC',
    ],
    [
      'reading its last tick',
      ['$JS.API.DIRECT.GET.KV_JETBUS_PERIODIC.>', '$JS.API.STREAM.MSG.GET.KV_JETBUS_PERIODIC'],
      'read the last tick of periodic schedule boot-tick',
    ],
  ];
  it.each(kvCases)('rides out an unanswered request %s, then runs jobs', async (_, patterns, step) => {
    const worker = await t.worker();
    const rules: FaultRule[] = patterns.map((p) => t.proxy.fail(p, 'unanswered'));
    await worker.get(JetbusServer).start();
    expect(rules.reduce((n, r) => n + r.faulted, 0)).toBe(1);
    expect(t.waitedFor(step)).toBe(true);
    await t.runsAJob(worker);
  });
});
