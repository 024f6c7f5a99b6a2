import { type Server, type Socket, createServer } from 'node:net';

/** A TCP server on a free loopback port that does `onConnection` with every client. */
async function listen(
  onConnection: (socket: Socket) => void,
): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `nats://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Accepts TCP and never says a word: a client waiting for the NATS INFO waits forever. */
export const silentServer = () => listen(() => undefined);

/** Accepts TCP and closes the connection at once. */
export const closingServer = () => listen((socket) => socket.destroy());

/** Answers like a web server, then closes: a peer that is not NATS. */
export const httpServer = () =>
  listen((socket) => socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'));

/** A loopback URL nothing listens on: a port that was free a moment ago. */
export async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `nats://127.0.0.1:${port}`;
}

/**
 * Speaks just enough NATS to connect (INFO, PONG to PING) and never answers a request: every
 * JetStream call waits for a reply that does not come.
 */
export const muteNatsServer = () =>
  listen((socket) => {
    socket.write(
      'INFO {"server_id":"MUTE","server_name":"mute","version":"2.9.10","proto":1,"headers":true,"max_payload":1048576}\r\n',
    );
    socket.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\r\n')) if (line === 'PING') socket.write('PONG\r\n');
    });
  });
