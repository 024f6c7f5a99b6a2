import { type Socket, connect } from 'node:net';

/** One message as raw protocol: headers as lines (any bytes a client could send), body as bytes. */
export interface RawMessage {
  subject: string;
  /** `Name: value` lines, written as given: a raw client can send what nats.js would refuse. */
  headerLines?: string[];
  /** The whole header block as bytes (instead of `headerLines`): bytes that are not UTF-8, say. */
  headerBlock?: Uint8Array;
  body: Uint8Array;
}

/**
 * Publishes over the bare NATS protocol (`HPUB`/`PUB`), as a hostile or foreign client would,
 * bypassing nats.js's header validation. Resolves after a PING/PONG, so the server has read
 * every message; the caller checks the stream for what was stored.
 */
export async function rawPublish(port: number, messages: RawMessage[]): Promise<void> {
  const socket = await open(port);
  try {
    socket.write('CONNECT {"verbose":false,"pedantic":false,"headers":true,"protocol":1}\r\n');
    for (const m of messages) {
      if (m.headerLines || m.headerBlock) {
        const block =
          m.headerBlock ?? Buffer.from(`NATS/1.0\r\n${m.headerLines!.map((l) => `${l}\r\n`).join('')}\r\n`);
        const total = block.length + m.body.length;
        socket.write(`HPUB ${m.subject} ${block.length} ${total}\r\n`);
        socket.write(block);
      } else {
        socket.write(`PUB ${m.subject} ${m.body.length}\r\n`);
      }
      socket.write(m.body);
      if (!socket.write('\r\n')) await new Promise((r) => socket.once('drain', r));
    }
    await pingPong(socket);
  } finally {
    socket.destroy();
  }
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    s.once('error', reject);
    // The server speaks first (INFO); only then is the connection ready for CONNECT.
    s.once('data', () => resolve(s));
  });
}

function pingPong(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString('latin1');
      if (seen.includes('-ERR')) reject(new Error(`server refused: ${seen.trim()}`));
      else if (seen.includes('PONG')) resolve();
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.write('PING\r\n');
  });
}
