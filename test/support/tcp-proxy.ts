import { type AddressInfo, type Server, type Socket, connect, createServer } from 'node:net';

const LOOPBACK = '127.0.0.1';

/**
 * A TCP proxy on a free loopback port to one target port, that a test can cut: cut() closes every
 * connection it carries and closes each new one at once until heal(), the way a network partition
 * ends connections (both ends see the close). It knows the local ports of its connections to the
 * target, so a test can tell from the target's view (e.g. /routez) that a connection came through it.
 */
export class TcpProxy {
  /** Connections closed at once because the proxy was cut. */
  refused = 0;
  private readonly open = new Set<{ client: Socket; upstream: Socket }>();
  private readonly upstreamPorts = new Set<number>();
  private isCut = false;

  private constructor(
    private readonly server: Server,
    readonly targetPort: number,
  ) {}

  /** Starts a proxy to 127.0.0.1:`targetPort` on a port the OS picks. */
  static async start(targetPort: number): Promise<TcpProxy> {
    const server = createServer({ noDelay: true });
    const proxy = new TcpProxy(server, targetPort);
    server.on('connection', (client) => proxy.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, LOOPBACK, () => resolve());
    });
    return proxy;
  }

  /** The port the proxy listens on. */
  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get cut(): boolean {
    return this.isCut;
  }

  /** Whether `port` is one end of a connection this proxy carries now, as the target sees it. */
  carries(port: number): boolean {
    return port === this.port || this.upstreamPorts.has(port);
  }

  /** Closes every connection and closes each new one at once, until heal(). */
  cutOff(): void {
    this.isCut = true;
    for (const pair of this.open) {
      pair.client.destroy();
      pair.upstream.destroy();
    }
  }

  heal(): void {
    this.isCut = false;
  }

  /** Closes the listener and every connection. */
  async close(): Promise<void> {
    this.cutOff();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    if (this.isCut) {
      this.refused++;
      client.destroy();
      return;
    }
    const upstream = connect({ host: LOOPBACK, port: this.targetPort, noDelay: true });
    const pair = { client, upstream };
    this.open.add(pair);
    let localPort: number | undefined;
    upstream.once('connect', () => {
      localPort = upstream.localPort;
      if (localPort !== undefined) this.upstreamPorts.add(localPort);
    });
    const close = () => {
      this.open.delete(pair);
      if (localPort !== undefined) this.upstreamPorts.delete(localPort);
      client.destroy();
      upstream.destroy();
    };
    // Either side ending ends both: a half-open route would only hide the cut.
    for (const socket of [client, upstream]) {
      socket.on('error', close);
      socket.on('close', close);
    }
    // Bytes the client sends before the upstream connects are buffered by the upstream socket.
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
