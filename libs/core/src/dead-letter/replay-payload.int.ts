import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection, connect, headers as natsHeaders } from '@nats-io/transport-node';
import { NatsServer } from '@jetbus/testing';
import { DeadLetterHeaders as H, deadLetterMsgId } from './dead-letter.headers';
import { DeadLetterStore } from './dead-letter-store';
import { replayDeadLetters } from './replay';

/*
 * An edited replay goes through the same publish as any replay (subject, headers, job id, replay
 * msg id, expected stream, delete after the PubAck), with the operator's bytes as the body.
 */
describe('replayDeadLetters with a replacement payload, on nats-server', () => {
  let server: NatsServer;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let js: JetStreamClient;
  const text = (data: Uint8Array) => new TextDecoder().decode(data);
  const encode = (s: string) => new TextEncoder().encode(s);

  beforeAll(async () => {
    server = await NatsServer.start();
    nc = await connect({ servers: server.url });
    jsm = await jetstreamManager(nc);
    js = jetstream(nc);
    await jsm.streams.add({ name: 'ORDERS', subjects: ['orders.>'] });
    await jsm.streams.add({ name: 'JETBUS_DLQ', subjects: ['dlq.>'] });
  });
  afterAll(async () => {
    await nc?.close();
    await server?.stop();
  });

  /** A dead letter as the sink writes it; `source` leaves the payload in the source stream. */
  async function deadLetter(seq: number, body: string, source = false): Promise<number> {
    const h = natsHeaders();
    h.set('X-Tenant', 'acme');
    h.set(H.Subject, 'orders.created');
    h.set(H.Stream, 'ORDERS');
    h.set(H.Seq, String(seq));
    h.set(H.Reason, 'error');
    h.set(H.OriginalMsgId, `order-${seq}`);
    if (source) {
      h.set(H.Payload, 'source');
      h.set(H.PayloadSize, '99');
    }
    const ack = await js.publish('dlq.orders.created', encode(source ? '' : body), {
      msgID: deadLetterMsgId('ORDERS', seq),
      headers: h,
    });
    return ack.seq;
  }

  it('publishes the edit with the original subject, headers and job id, then deletes the entry', async () => {
    const store = new DeadLetterStore(jsm);
    const dlqSeq = await deadLetter(100, '{"qty":-1}');

    const report = await replayDeadLetters(store, js, { ids: [dlqSeq] }, { payload: encode('{"qty":1}') });

    expect(report.failed).toEqual([]);
    expect(report.replayed).toEqual([
      { dlqSeq, subject: 'orders.created', stream: 'ORDERS', seq: expect.any(Number), duplicate: false },
    ]);
    const stored = await jsm.streams.getMessage('ORDERS', { seq: report.replayed[0].seq });
    expect(text(stored!.data)).toBe('{"qty":1}');
    expect(stored!.header.get('X-Tenant')).toBe('acme');
    expect(stored!.header.get('Jetbus-Job-Id')).toBe('order-100');
    expect(stored!.header.get('Nats-Msg-Id')).toBe(`replay:JETBUS_DLQ:${dlqSeq}`);
    expect(await store.get(dlqSeq)).toBeUndefined();
  });

  it('replays a minimal entry (payload left in the source stream) when given the payload', async () => {
    const store = new DeadLetterStore(jsm);
    const dlqSeq = await deadLetter(200, '', true);

    const plain = await replayDeadLetters(store, js, { ids: [dlqSeq] });
    const edited = await replayDeadLetters(store, js, { ids: [dlqSeq] }, { payload: encode('{"qty":2}') });

    expect(plain.skipped).toEqual([{ dlqSeq, reason: expect.stringMatching(/^minimal entry/) }]);
    expect(edited.replayed).toHaveLength(1);
    const stored = await jsm.streams.getMessage('ORDERS', { seq: edited.replayed[0].seq });
    expect(text(stored!.data)).toBe('{"qty":2}');
  });

  it('keeps the dead letter when an earlier edit under the same replay id stored other bytes', async () => {
    const store = new DeadLetterStore(jsm);
    const dlqSeq = await deadLetter(300, '{"qty":-3}');
    // What an earlier edit-replay that crashed before its delete left behind.
    await js.publish('orders.created', encode('{"qty":30}'), { msgID: `replay:JETBUS_DLQ:${dlqSeq}` });

    const report = await replayDeadLetters(store, js, { ids: [dlqSeq] }, { payload: encode('{"qty":3}') });

    expect(report.replayed).toEqual([]);
    expect(report.failed.map((f) => [f.dlqSeq, f.error.name])).toEqual([[dlqSeq, 'ReplayConflictError']]);
    expect(await store.get(dlqSeq)).toBeDefined();
  });
});
