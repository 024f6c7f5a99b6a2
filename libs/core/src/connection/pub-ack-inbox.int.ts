import { jetstreamManager, PubHeaders } from '@nats-io/jetstream';
import {
  type Msg,
  type NatsConnection,
  connect,
  headers,
  usernamePasswordAuthenticator,
} from '@nats-io/transport-node';
import { NatsServer } from '@jetbus/testing';
import pino from 'pino';
import { type ConnectionSettings } from './connection-settings';
import { JetbusConnection } from './jetbus.connection';
import { mapPublishError } from './map-publish-error';

/*
 * The PubAck inbox against a real nats-server: every answer a JetStream publish can get (PubAck,
 * duplicate, API error, no responders, none at all, a refusal, a closed connection) reaches the
 * publish that caused it, as the error nats.js would have given, so `mapPublishError` types it.
 */
const encode = (s: string) => new TextEncoder().encode(s);
const silent = pino({ level: 'silent' });

describe('PubAckInbox on nats-server', () => {
  let server: NatsServer;
  let connection: JetbusConnection;
  let plain: NatsConnection;

  const settings = (): ConnectionSettings => ({
    servers: [server.url],
    name: 'pub-ack-inbox',
    credsFile: undefined,
    authenticator: usernamePasswordAuthenticator('app', 'app-secret'),
    tls: undefined,
    inboxPrefix: undefined,
    connectTimeoutMs: 2_000,
    maxReconnectAttempts: 0,
    reconnectTimeWaitMs: 100,
  });
  const typed = (e: unknown, subject: string) =>
    mapPublishError(e, { subject, size: 1, maxPayload: connection.maxPayload, timeoutMs: 300, user: 'app' });

  beforeAll(async () => {
    server = await NatsServer.start({
      config: `authorization {
        users = [
          { user: app, password: app-secret, permissions: { publish: { deny: ["DENIED.>"] } } }
          { user: other, password: other-secret }
        ]
      }`,
    });
    connection = await JetbusConnection.open(settings(), silent);
    plain = await connect({ servers: server.url, user: 'other', pass: 'other-secret' });
    const jsm = await jetstreamManager(plain);
    await jsm.streams.add({ name: 'INBOX_T', subjects: ['inbox.>', 'DENIED.>'], duplicate_window: 60e9 });
  });
  afterAll(async () => {
    await connection?.close();
    await plain?.close();
    await server?.stop();
  });

  it('resolves each of 5,000 concurrent publishes with its own PubAck', async () => {
    const acks = await Promise.all(
      Array.from({ length: 5_000 }, (_, i) =>
        connection.pubAcks.publish(`inbox.many.${i}`, encode(`${i}`), undefined, 5_000),
      ),
    );
    const seqs = new Set(acks.map((a) => a.seq));
    expect(seqs.size).toBe(5_000);
    expect(acks.every((a) => a.stream === 'INBOX_T' && a.duplicate === false)).toBe(true);
    // Each PubAck is the one for its own message: the stored message at that sequence is its body.
    const jsm = await jetstreamManager(plain);
    for (const i of [0, 1_234, 4_999]) {
      const stored = await jsm.streams.getMessage('INBOX_T', { seq: acks[i].seq });
      expect(stored?.subject).toBe(`inbox.many.${i}`);
      expect(stored?.string()).toBe(`${i}`);
    }
  });

  it('sends no header block for a message without headers, and the given headers otherwise', async () => {
    // What goes on the wire, as a plain subscriber sees it: `Msg.headers` is set for any header block.
    const seen: Msg[] = [];
    const watch = plain.subscribe('inbox.bare', { callback: (_e, m) => void seen.push(m) });
    await plain.flush();
    await connection.pubAcks.publish('inbox.bare', encode('{}'), undefined, 2_000);
    await plain.flush();
    watch.unsubscribe();
    expect(seen).toHaveLength(1);
    expect(seen[0].headers).toBeUndefined();
    const h = headers();
    h.set(PubHeaders.MsgIdHdr, 'once');
    const first = await connection.pubAcks.publish('inbox.dedup', encode('a'), h, 2_000);
    const again = await connection.pubAcks.publish('inbox.dedup', encode('a'), h, 2_000);
    expect(first.duplicate).toBe(false);
    expect(again).toMatchObject({ duplicate: true, seq: first.seq });
  });

  it('rejects with the JetStream API error when an expectation fails', async () => {
    const h = headers();
    h.set(PubHeaders.ExpectedStreamHdr, 'ANOTHER');
    const e = await connection.pubAcks
      .publish('inbox.expect', encode('x'), h, 2_000)
      .catch((err: unknown) => err);
    expect(e).toMatchObject({ name: 'JetStreamApiError', code: 10060 });
  });

  it('rejects with no responders when no stream captures the subject', async () => {
    const e = await connection.pubAcks
      .publish('nostream.x', encode('x'), undefined, 2_000)
      .catch((err: unknown) => err);
    expect(typed(e, 'nostream.x')).toMatchObject({ name: 'NoStreamForSubjectError' });
  });

  it('rejects with a timeout when the reply never comes, and ignores a reply that comes after it', async () => {
    let replyTo = '';
    const silentSub = plain.subscribe('quiet.x', { callback: (_e, m) => void (replyTo = m.reply ?? '') });
    await plain.flush();
    const started = Date.now();
    const e = await connection.pubAcks
      .publish('quiet.x', encode('x'), undefined, 200)
      .catch((err: unknown) => err);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(typed(e, 'quiet.x')).toMatchObject({ name: 'PublishTimeoutError' });
    // The late PubAck finds nobody waiting; the next publish is unaffected.
    plain.publish(replyTo, encode('{"stream":"INBOX_T","seq":1}'));
    await plain.flush();
    await expect(
      connection.pubAcks.publish('inbox.after', encode('y'), undefined, 2_000),
    ).resolves.toMatchObject({
      stream: 'INBOX_T',
    });
    silentSub.unsubscribe();
  });

  it('rejects a reply that is not a PubAck as an invalid ack response', async () => {
    const liar = plain.subscribe('liar.x', { callback: (_e, m) => void m.respond(encode('not json')) });
    const empty = plain.subscribe('liar.y', { callback: (_e, m) => void m.respond(encode('{"seq":3}')) });
    await plain.flush();
    for (const subject of ['liar.x', 'liar.y']) {
      const e = await connection.pubAcks
        .publish(subject, encode('x'), undefined, 2_000)
        .catch((err: unknown) => err);
      expect(e).toMatchObject({ name: 'JetStreamError', message: 'invalid ack response' });
      expect(typed(e, subject)).toMatchObject({ name: 'PublishFailedError' });
    }
    liar.unsubscribe();
    empty.unsubscribe();
  });

  it('rejects a publish the server refuses with the refusal, and only that one', async () => {
    const [denied, allowed] = await Promise.allSettled([
      connection.pubAcks.publish('DENIED.x', encode('x'), undefined, 3_000),
      connection.pubAcks.publish('inbox.allowed', encode('x'), undefined, 3_000),
    ]);
    expect(denied.status).toBe('rejected');
    expect(typed((denied as PromiseRejectedResult).reason, 'DENIED.x')).toMatchObject({
      name: 'PermissionDeniedError',
      operation: 'publish',
      subject: 'DENIED.x',
      user: 'app',
    });
    expect(allowed.status).toBe('fulfilled');
  });

  it('rejects what is waiting when the connection closes, at once', async () => {
    const closing = await JetbusConnection.open(settings(), silent);
    const quiet = plain.subscribe('quiet.close', { callback: () => undefined });
    await plain.flush();
    const waiting = closing.pubAcks
      .publish('quiet.close', encode('x'), undefined, 60_000)
      .catch((err: unknown) => err);
    await closing.nc.flush();
    const started = Date.now();
    await closing.nc.close();
    const e = await waiting;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(e).toBeInstanceOf(Error);
    expect(typed(e, 'quiet.close')).toMatchObject({ name: 'PublishFailedError' });
    await expect(
      closing.pubAcks.publish('inbox.closed', encode('x'), undefined, 1_000),
    ).rejects.toMatchObject({
      name: 'ClosedConnectionError',
    });
    quiet.unsubscribe();
  });
});
