import { jetstream, jetstreamManager, type StreamInfo } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { NatsCluster } from './nats-cluster';

jest.setTimeout(30_000);

describe('NatsCluster', () => {
  let cluster: NatsCluster;
  const connections: NatsConnection[] = [];

  async function connectTo(url: string): Promise<NatsConnection> {
    const nc = await connect({ servers: url });
    connections.push(nc);
    return nc;
  }

  function replica(info: StreamInfo, serverName: string) {
    return info.cluster?.replicas?.find((r) => r.name === serverName);
  }

  beforeAll(async () => {
    cluster = await NatsCluster.start();
  });

  afterAll(async () => {
    await Promise.all(connections.map((nc) => nc.close()));
    await cluster?.stop();
  });

  it('starts three nodes on distinct loopback ports, ready for JetStream', async () => {
    expect(cluster.servers).toHaveLength(3);
    expect(cluster.urls).toEqual(cluster.servers.map((s) => s.url));
    const ports = cluster.servers.flatMap((s) => [s.port, s.clusterPort]);
    expect(new Set(ports).size).toBe(6);
    expect(cluster.urls.every((url) => url.startsWith('nats://127.0.0.1:'))).toBe(true);
    expect(new Set(cluster.servers.map((s) => s.storeDir)).size).toBe(3);

    // Ready means a JetStream request succeeds at once on every node.
    for (const server of cluster.servers) {
      const jsm = await jetstreamManager(await connectTo(server.url));
      await expect(jsm.getAccountInfo()).resolves.toMatchObject({ streams: expect.any(Number) });
    }
  });

  it('keeps an R3 stream writable while a node is down and catches that node up on return', async () => {
    const [n0, n1, n2] = cluster.servers;
    // Clients on nodes that stay up; node 0 goes down and comes back.
    const nc = await connectTo(n2.url);
    const jsm = await jetstreamManager(nc);
    const js = jetstream(nc);
    await jsm.streams.add({ name: 'R3', subjects: ['r3.>'], num_replicas: 3 });
    await expect(js.publish('r3.a', 'a')).resolves.toMatchObject({ stream: 'R3', seq: 1, duplicate: false });

    await cluster.stopNode(0);

    expect(n0.running).toBe(false);
    await expect(js.publish('r3.b', 'b')).resolves.toMatchObject({ stream: 'R3', seq: 2, duplicate: false });
    const whileDown = await jsm.streams.info('R3');
    expect(whileDown.state.messages).toBe(2);
    expect(replica(whileDown, n0.serverName)?.current).toBe(false);

    const port = n0.port;
    await cluster.startNode(0);

    expect(n0.running).toBe(true);
    expect(n0.port).toBe(port);
    // startNode() resolved once every replica caught up; with no write since, that still holds.
    // (Right after a write a follower may lag for an instant: `current` means "has every applied entry".)
    const afterReturn = await jsm.streams.info('R3');
    const followers = [n0, n1, n2].filter((s) => s.serverName !== afterReturn.cluster?.leader);
    expect(followers.map((s) => replica(afterReturn, s.serverName)?.current)).toEqual([true, true]);
    await expect(js.publish('r3.c', 'c')).resolves.toMatchObject({ stream: 'R3', seq: 3, duplicate: false });
    expect((await jsm.streams.info('R3')).state.messages).toBe(3);

    // The returned node serves the stream too.
    const viaN0 = await jetstreamManager(await connectTo(n0.url));
    await expect(viaN0.streams.getMessage('R3', { seq: 2 })).resolves.toMatchObject({ subject: 'r3.b' });
  });

  it('rejects a node index out of range and a bad node count', async () => {
    await expect(cluster.stopNode(3)).rejects.toThrow(RangeError);
    await expect(NatsCluster.start({ nodes: 0 })).rejects.toThrow(/^nodes must be a positive integer/);
  });
});
