import { type AddressInfo, type Server, type Socket, connect as tcpConnect, createServer } from 'node:net';
import { type NatsConnection, connect } from '@nats-io/transport-node';
import { subjectMatches } from '../../libs/core/src/dead-letter';

const LOOPBACK = '127.0.0.1';
const CRLF = Buffer.from('\r\n');

/**
 * What the proxy does to a request it matches:
 * - `unanswered`: drops it, so the client's request times out, as during a leader election (the
 *   server sends nothing back then);
 * - `unavailable`: answers what a cluster without a meta leader answers, 503 / 10008 "JetStream
 *   system temporarily unavailable";
 * - an API error: answers it, as JetStream does when it refuses a request.
 */
export type RequestFault =
  'unanswered' | 'unavailable' | { code: number; errCode: number; description: string };

export interface FaultRule {
  /** NATS subject pattern (`*`, `>`) of the requests it applies to. */
  readonly pattern: string;
  readonly fault: RequestFault;
  /** Requests matched but let through first. @default 0 */
  readonly skip: number;
  /** Requests faulted after those; Infinity for every later one. @default 1 */
  readonly times: number;
  /** Requests it matched so far (let through or faulted). */
  matched: number;
  /** Requests it faulted so far. */
  faulted: number;
}

const UNAVAILABLE = { code: 503, errCode: 10008, description: 'JetStream system temporarily unavailable' };

/**
 * A TCP proxy between NATS clients and one real nats-server that reads what clients send and can
 * fault chosen requests (a `PUB`/`HPUB` with a reply subject): drop them, or answer them with a
 * JetStream API error in the server's own format, published to the reply subject over a connection
 * of its own to the server. Everything else, and everything the server sends, passes unchanged. It
 * is how a test makes one JetStream request of a worker meet an election, deterministically.
 */
export class RequestFaultProxy {
  /** The subject of every request clients sent through the proxy, in order. */
  readonly requests: string[] = [];
  /** Called with the subject of every request, before it is forwarded or faulted. */
  onRequest?: (subject: string) => void;
  private rules: FaultRule[] = [];
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    private readonly targetPort: number,
    private readonly answers: NatsConnection,
  ) {}

  /** Starts a proxy on a free loopback port to the nats-server on 127.0.0.1:`targetPort`. */
  static async start(targetPort: number): Promise<RequestFaultProxy> {
    const answers = await connect({ servers: `${LOOPBACK}:${targetPort}`, maxReconnectAttempts: -1 });
    const server = createServer({ noDelay: true });
    const proxy = new RequestFaultProxy(server, targetPort, answers);
    server.on('connection', (client) => proxy.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, LOOPBACK, () => resolve());
    });
    return proxy;
  }

  /** The URL clients connect to. */
  get url(): string {
    return `nats://${LOOPBACK}:${(this.server.address() as AddressInfo).port}`;
  }

  /** Faults requests on `pattern`: the `skip` first ones pass, the next `times` get `fault`. */
  fail(pattern: string, fault: RequestFault, { skip = 0, times = 1 } = {}): FaultRule {
    const rule: FaultRule = { pattern, fault, skip, times, matched: 0, faulted: 0 };
    this.rules.push(rule);
    return rule;
  }

  /** Drops every rule and forgets the requests seen. */
  reset(): void {
    this.rules = [];
    this.requests.length = 0;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.answers.close();
  }

  private accept(client: Socket): void {
    const upstream = tcpConnect({ host: LOOPBACK, port: this.targetPort, noDelay: true });
    this.sockets.add(client).add(upstream);
    const close = () => {
      this.sockets.delete(client);
      this.sockets.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      socket.on('error', close);
      socket.on('close', close);
    }
    upstream.pipe(client);
    let pending: Buffer = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      const { forward, rest } = this.readFrames(pending);
      pending = rest;
      if (forward.length) upstream.write(Buffer.concat(forward));
    });
  }

  /** Splits what a client sent into whole protocol frames; keeps those not faulted, in order. */
  private readFrames(data: Buffer): { forward: Buffer[]; rest: Buffer } {
    const forward: Buffer[] = [];
    let at = 0;
    for (;;) {
      const eol = data.indexOf(CRLF, at);
      if (eol < 0) break;
      const line = data.subarray(at, eol).toString('latin1');
      const [op = '', ...args] = line.trim().split(/\s+/);
      let end = eol + 2;
      let request: { subject: string; reply: string } | undefined;
      const verb = op.toUpperCase();
      if (verb === 'PUB' || verb === 'HPUB') {
        // PUB <subject> [reply] <size> / HPUB <subject> [reply] <header size> <total size>
        const sizes = verb === 'PUB' ? 1 : 2;
        end += Number(args[args.length - 1]) + 2;
        if (end > data.length) break;
        if (args.length === 2 + sizes) request = { subject: args[0], reply: args[1] };
      }
      const frame = data.subarray(at, end);
      at = end;
      if (!request || !this.faulted(request.subject, request.reply)) forward.push(frame);
    }
    return { forward, rest: data.subarray(at) };
  }

  /** Records the request and applies the first rule that takes it; true when it must not be forwarded. */
  private faulted(subject: string, reply: string): boolean {
    this.requests.push(subject);
    this.onRequest?.(subject);
    for (const rule of this.rules) {
      if (!subjectMatches(rule.pattern, subject)) continue;
      rule.matched++;
      if (rule.matched <= rule.skip || rule.faulted >= rule.times) continue;
      rule.faulted++;
      if (rule.fault !== 'unanswered') {
        const { code, errCode, description } = rule.fault === 'unavailable' ? UNAVAILABLE : rule.fault;
        const body = {
          type: 'io.nats.jetstream.api.v1.error',
          error: { code, err_code: errCode, description },
        };
        this.answers.publish(reply, JSON.stringify(body));
      }
      return true;
    }
    return false;
  }
}
