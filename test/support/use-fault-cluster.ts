import { type INestApplicationContext } from '@nestjs/common';
import { type NatsConnection, connect } from '@nats-io/transport-node';
import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import { ready } from './use-jetbus';
import { type FaultCluster, type FaultRunContext, producerApp } from './run-jobs-through-fault';
import { type WorkerFleet } from './worker-fleet';

/** A cluster the fixture starts and stops: a NatsCluster, a RouteProxiedCluster. */
export interface StoppableFaultCluster extends FaultCluster {
  stop(): Promise<void>;
}

/** The cluster of one fault test file, as the tests and `runJobsThroughFault` use it. */
export interface FaultClusterFixture<C extends StoppableFaultCluster> extends FaultRunContext {
  /** The cluster as `start` returned it, with its own fault methods (stopNode, partition, ...). */
  readonly cluster: C;
}

/**
 * The lifecycle every cluster fault test file shares, for the `describe` it is called in: in
 * `beforeAll`, the cluster from `start`, a JetStream manager on a connection that reconnects forever
 * (it outlives the faults), and a producer app on every node; in `afterAll`, the worker fleets the
 * runs started, the producer, the connection, then the cluster. Pass it to `runJobsThroughFault`.
 */
export function useFaultCluster<C extends StoppableFaultCluster>(
  start: () => Promise<C>,
): FaultClusterFixture<C> {
  let cluster: C | undefined;
  let nc: NatsConnection | undefined;
  let jsm: JetStreamManager | undefined;
  let producer: INestApplicationContext | undefined;
  const fleets: WorkerFleet[] = [];

  beforeAll(async () => {
    cluster = await start();
    nc = await connect({ servers: cluster.urls, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    jsm = await jetstreamManager(nc);
    producer = await producerApp(cluster.urls);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(fleets.map((f) => f.stop()));
    await producer?.close();
    await nc?.close();
    await cluster?.stop();
  });

  return {
    get cluster() {
      return ready('the cluster', cluster);
    },
    get jsm() {
      return ready('the JetStreamManager', jsm);
    },
    get producer() {
      return ready('the producer app', producer);
    },
    fleets,
  };
}
