import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { LOOPBACK_HOST } from './constants';

const handedOut = new Set<number>();
let window: readonly [number, number] | null | undefined;

/**
 * A free TCP port on 127.0.0.1, chosen outside the kernel's ephemeral range when possible.
 *
 * Ports from the ephemeral range (what `listen(0)` returns) can be taken at any time as the local port
 * of an outgoing connection, and a client that keeps reconnecting to a stopped server on such a port can
 * even connect to itself (TCP simultaneous open). Fault tests restart servers on the same port while
 * clients reconnect, so the fixture avoids that range. The same port is never handed out twice by one
 * process.
 */
export async function freePort(): Promise<number> {
  const range = portWindow();
  if (range) {
    const [low, high] = range;
    for (let attempt = 0; attempt < 100; attempt++) {
      const port = low + Math.floor(Math.random() * (high - low + 1));
      if (handedOut.has(port)) continue;
      if ((await tryListen(port)) !== undefined) {
        handedOut.add(port);
        return port;
      }
    }
  }
  for (;;) {
    const port = await tryListen(0);
    if (port !== undefined && !handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

function portWindow(): readonly [number, number] | null {
  if (window !== undefined) return window;
  let ephemeral: [number, number] = [32768, 60999];
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    ephemeral = [Number(low), Number(high)];
  } catch {
    // Not Linux: macOS and Windows use 49152-65535, so the Linux default window below is safe too.
  }
  const [low, high] = ephemeral;
  if (low > 11000) window = [10000, low - 1];
  else if (high < 64535) window = [high + 1, 65535];
  else window = null;
  return window;
}

function tryListen(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(undefined));
    server.listen({ host: LOOPBACK_HOST, port, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}
