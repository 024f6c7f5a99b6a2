import { IsString } from 'class-validator';
import { lastValueFrom } from 'rxjs';
import {
  InvalidPayloadError,
  JetbusClient,
  JetbusClientProxy,
  JetbusConnection,
  NoStreamForSubjectError,
  PayloadTooLargeError,
  PublishManyError,
  NotConnectedError,
  StreamLimitError,
} from '@jetbus/core';
import { failure } from '../support/failure';
import { useJetbus } from '../support/use-jetbus';
import { waitFor } from '../support/wait-for';

class Signup {
  @IsString()
  email!: string;
}

describe('JetbusClient against a real server', () => {
  const t = useJetbus(
    {
      name: 'client',
      maxReconnectAttempts: -1,
      reconnectTimeWait: 100,
      streams: [
        { name: 'EVENTS', subjects: ['events.>'], duplicateWindow: '1m' },
        { name: 'SMALL', subjects: ['small.>'], maxMsgs: 2, discard: 'new' },
      ],
    },
    [],
    { server: { config: 'max_payload: 4096' } },
  );
  let client: JetbusClient;
  const count = async (stream: string) => (await t.jsm.streams.info(stream)).state.messages;
  beforeAll(() => (client = t.bus));

  it('resolves with the PubAck, and a repeated msgId is stored once', async () => {
    const first = await client.publish('events.signup', { email: 'a@x.io' }, { msgId: 'signup-a' });
    const again = await client.publish('events.signup', { email: 'a@x.io' }, { msgId: 'signup-a' });
    expect(first).toMatchObject({ stream: 'EVENTS', duplicate: false });
    expect(again).toMatchObject({ stream: 'EVENTS', seq: first.seq, duplicate: true });
  });

  it('sends headers', async () => {
    const ack = await client.publish(
      'events.tagged',
      {},
      { headers: { 'X-Tenant': 'acme', 'X-Tags': ['a', 'b'] } },
    );
    const stored = await t.connection.jsm.streams.getMessage('EVENTS', { seq: ack.seq });
    expect(stored?.header.get('X-Tenant')).toBe('acme');
    expect(stored?.header.values('X-Tags')).toEqual(['a', 'b']);
  });

  it('names the subject when no stream captures it', async () => {
    const e = await failure(client.publish('nowhere.at.all', {}));
    expect(e).toBeInstanceOf(NoStreamForSubjectError);
    expect(e).toMatchObject({ subject: 'nowhere.at.all' });
  });

  it('refuses a payload over max_payload without sending it', async () => {
    const before = await count('EVENTS');
    const e = await failure(client.publish('events.big', { blob: 'x'.repeat(5000) }));
    expect(e).toBeInstanceOf(PayloadTooLargeError);
    expect(e).toMatchObject({ maxPayload: 4096 });
    expect(await count('EVENTS')).toBe(before);
  });

  it('reports a full stream as StreamLimitError and keeps what it accepted', async () => {
    await client.publish('small.a', { n: 1 });
    await client.publish('small.a', { n: 2 });
    const e = await failure(client.publish('small.a', { n: 3 }));
    expect(e).toBeInstanceOf(StreamLimitError);
    expect(await count('SMALL')).toBe(2);
  });

  it('validates against a DTO before sending', async () => {
    const before = await count('EVENTS');
    const e = await failure(client.publish('events.signup', { email: 42 }, { dto: Signup }));
    expect(e).toBeInstanceOf(InvalidPayloadError);
    expect(e.message).toContain('email must be a string');
    expect(await count('EVENTS')).toBe(before);
  });

  it('publishMany says exactly which messages were stored when one fails', async () => {
    const e = (await failure(
      client.publishMany([
        { subject: 'events.m', data: { i: 0 } },
        { subject: 'events.m', data: { i: 1 } },
        { subject: 'nowhere.m', data: { i: 2 } },
        { subject: 'events.m', data: { i: 3 } },
      ]),
    )) as PublishManyError;
    expect(e).toBeInstanceOf(PublishManyError);
    expect(e.failures.map((f) => [f.index, f.error.name])).toEqual([[2, 'NoStreamForSubjectError']]);
    const storedIdx = e.acks.map((a, i) => (a ? i : -1)).filter((i) => i >= 0);
    // Messages are sent in order while the window is open: 0, 1 and maybe 3 were already in flight.
    expect(storedIdx.slice(0, 2)).toEqual([0, 1]);
    expect(storedIdx.length + e.failures.length + e.notSent).toBe(4);
  });

  it('works as a Nest ClientProxy: emit() stores the event', async () => {
    const ack = await lastValueFrom(t.app.get(JetbusClientProxy).emit('events.proxy', { via: 'proxy' }));
    const stored = await t.app
      .get(JetbusConnection)
      .jsm.streams.getMessage('EVENTS', { seq: (ack as { seq: number }).seq });
    expect(stored?.json()).toEqual({ via: 'proxy' });
  });

  it('never reports success while the server is down, and recovers after it returns', async () => {
    await t.server.kill();
    const connection = t.connection;
    await waitFor('client saw the disconnect', () => !connection.isConnected);
    const e = await failure(client.publish('events.outage', { n: 1 }, { timeout: 500 }));
    expect(e).toBeInstanceOf(NotConnectedError);
    await t.server.restart();
    // Published right after the restart, possibly before the client reconnected: it waits.
    const ack = await client.publish('events.outage', { n: 2 }, { timeout: 10_000 });
    expect(ack.stream).toBe('EVENTS');
    const stored = await connection.jsm.streams.getMessage('EVENTS', { seq: ack.seq });
    expect(stored?.json()).toEqual({ n: 2 });
  });
});
