import { type INestApplicationContext, Injectable } from '@nestjs/common';
import { type NatsConnection, connect } from '@nats-io/transport-node';
import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import { JetbusClient, JetbusError, JetbusServer, JobHandler, Payload } from '@jetbus/core';
import { NatsCluster } from '@jetbus/testing';
import { metaLeader, streamLeader } from '../support/cluster-leaders';
import { type CapturedLogs, captureLogs, startJetbusApp } from '../support/jetbus-app';
import { RequestFaultProxy } from '../support/request-fault-proxy';
import { sleep, waitFor } from '../support/wait-for';

/*
 * A worker starting on a 3-node cluster (R3 streams) while a node is killed -9: the stream leader or
 * the meta leader, at a different moment of `JetbusServer.start()` each time (after the k-th of its
 * JetStream requests, counted by proxies in front of the nodes). start() must either resolve, and the
 * worker then run jobs, or reject with a JetbusError; never with a bare nats.js error, which is how a
 * worker failed its start in CI. Each start uses a new service name, so it creates its durables (the
 * provisioning a node death interrupted there). Per-request faults: startup-elections.e2e.ts.
 */

const STREAM = 'KILLBOOT';
const ran = new Set<string>();

@Injectable()
class KillJobs {
  @JobHandler('kb.plain', { stream: STREAM })
  plain(@Payload() job: { id: string }): void {
    ran.add(job.id);
  }

  @JobHandler('kb.prio', { stream: STREAM, priorities: true })
  prio(): void {}
}

/** How long a killed node stays down: long enough for the others to elect, as in a crash. */
const DOWN_MS = 2_000;

const isJetStreamRequest = (subject: string): boolean =>
  subject.startsWith('$JS.API.') || subject.startsWith('$KV.');

describe('a worker starting while a cluster node is killed -9', () => {
  let cluster: NatsCluster;
  let proxies: RequestFaultProxy[] = [];
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let app: INestApplicationContext | undefined;
  let logs: CapturedLogs;

  beforeAll(async () => {
    cluster = await NatsCluster.start({ nodes: 3 });
    proxies = await Promise.all(cluster.servers.map((s) => RequestFaultProxy.start(s.port)));
    nc = await connect({ servers: cluster.urls, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    jsm = await jetstreamManager(nc);
  }, 60_000);

  afterEach(async () => {
    for (const p of proxies) p.onRequest = undefined;
    await app?.close();
    app = undefined;
  });

  afterAll(async () => {
    // What each start did, for the record (a typed failure is allowed, and shows here).
    if (outcomes.length) console.log(`starts through a node kill:\n  ${outcomes.join('\n  ')}`);
    await nc?.close();
    await Promise.all(proxies.map((p) => p.close()));
    await cluster?.stop();
  });

  /** A worker connected through the proxies, its streams ensured; not started. */
  async function worker(name: string): Promise<INestApplicationContext> {
    logs = captureLogs();
    app = await startJetbusApp(
      {
        servers: proxies.map((p) => p.url),
        name,
        logger: logs.logger,
        reconnectTimeWait: 100,
        streams: [{ name: STREAM, subjects: ['kb.>'], replicas: 3, retention: 'limits' }],
        deadLetter: { replicas: 3 },
        scheduling: { replicas: 3 },
        cancellation: true,
        periodic: [{ name: 'kb-tick', cron: '0 0 1 1 *', subject: 'kb.plain' }],
        heartbeat: false,
        shutdownGracePeriod: 0,
      },
      [KillJobs],
      { start: false },
    );
    return app;
  }

  /** Counts the JetStream requests every proxy carries until `stop()`; calls `at(k)` on the k-th. */
  function countRequests(at: (n: number) => void = () => undefined): { count: () => number; stop(): void } {
    let n = 0;
    let counting = true;
    for (const p of proxies) {
      p.onRequest = (subject) => {
        if (counting && isJetStreamRequest(subject)) at(++n);
      };
    }
    return { count: () => n, stop: () => (counting = false) };
  }

  async function runsAJob(started: INestApplicationContext): Promise<void> {
    const id = `kb-${ran.size}-${Date.now()}`;
    await started.get(JetbusClient).publish('kb.plain', { id }, { msgId: id });
    await waitFor(`job ${id} to run`, () => ran.has(id), 30_000);
  }

  /**
   * Deletes the durables a start created on the handlers' stream: on 2.9 one created while a node was
   * down can stay "not current" on that node for long, which the health check between runs would wait
   * for.
   */
  async function forgetDurables(name: string): Promise<void> {
    for await (const c of jsm.consumers.list(STREAM)) {
      if (c.name.startsWith(`${name}_`)) await jsm.consumers.delete(STREAM, c.name);
    }
  }

  const outcomes: string[] = [];
  const described = (outcome: unknown): string =>
    outcome === 'started'
      ? 'started, then ran a job'
      : `${(outcome as Error).name}: ${(outcome as Error).message}`;

  /** The number of JetStream requests of one start, the durables created anew (as in each kill run). */
  let requestsPerStart = 0;

  it('starts and runs jobs on the healthy cluster (and counts the requests of a start)', async () => {
    // Twice: the first start also creates the KV buckets, which the later ones find.
    for (const name of ['kb-warm', 'kb-count']) {
      const started = await worker(name);
      const requests = countRequests();
      await started.get(JetbusServer).start();
      requests.stop();
      requestsPerStart = requests.count();
      await runsAJob(started);
      await app?.close();
      app = undefined;
    }
    expect(requestsPerStart).toBeGreaterThan(10);
  });

  // Which node dies and when: after this share of a start's requests.
  const kills: ['stream leader' | 'meta leader', number][] = [
    ['stream leader', 0.1],
    ['meta leader', 0.45],
    ['stream leader', 0.8],
  ];

  it.each(kills)(
    'kill -9 of the %s after %p of the start: it starts and runs jobs, or fails typed',
    async (who, share) => {
      expect(requestsPerStart).toBeGreaterThan(0);
      const name = `kb-${who === 'meta leader' ? 'meta' : 'stream'}-${Math.round(share * 100)}`;
      const started = await worker(name);
      const victim =
        who === 'meta leader' ? await metaLeader(cluster) : await streamLeader(cluster, jsm, STREAM);
      const k = Math.max(1, Math.round(requestsPerStart * share));
      let bounce: Promise<void> | undefined;
      const requests = countRequests((n) => {
        if (n !== k) return;
        const node = cluster.servers[victim];
        bounce = node.kill().then(async () => {
          await sleep(DOWN_MS);
          await node.restart();
        });
      });
      const outcome = await started
        .get(JetbusServer)
        .start()
        .then(
          () => 'started' as const,
          (e: unknown) => e,
        );
      requests.stop();
      outcomes.push(`${who} killed after ${k} of ${requestsPerStart} requests: ${described(outcome)}`);
      // The kill came while start() ran.
      expect(bounce).toBeDefined();
      await bounce;
      // Allowed, if typed: a JetbusError names what failed. A bare nats.js error is the bug.
      if (outcome !== 'started' && !(outcome instanceof JetbusError)) throw outcome;
      if (outcome === 'started') await runsAJob(started);
      await app?.close();
      app = undefined;
      await forgetDurables(name);
      await cluster.waitUntilHealthy(30_000);
    },
  );
});
