import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { Objm } from '@nats-io/obj';
import { PermissionDeniedError } from '../errors';
import { authErrors } from '../client/connect-user';
import { first } from './__tests__/auth-test-env';
import { refusal, useRoleEnv } from './__tests__/role-test-env';

/*
 * Each built-in role against nats-server: the operations it exists for succeed with exactly its
 * permissions, and the neighbouring ones (another stream, another consumer, another subject) are
 * refused with a typed error naming user and subject.
 */

const POLICY = `
operator: { name: jetbus-test }
roles:
  setup:
    admin: { publish: [$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.>] }
  orders-producer:
    producer: { subjects: [orders.>] }
  billing-worker:
    worker: { stream: ORDERS, consumer: billing, subjects: [orders.paid], idempotency: true, rateLimit: true }
  shipping-service:
    service: { stream: ORDERS, consumer: shipping, subjects: [orders.shipped] }
  dead-letters:
    reaper: { streams: [ORDERS], subjects: [orders.poison, orders.paid] }
accounts:
  ORDERS:
    users:
      ops: { roles: [setup] }
      api: { roles: [orders-producer], inboxPrefix: _INBOX_api }
      billing: { roles: [billing-worker] }
      shipping: { roles: [shipping-service] }
      reaper: { roles: [dead-letters] }
`;

const NANOS_PER_MS = 1_000_000;

describe('built-in roles on nats-server', () => {
  const env = useRoleEnv(
    POLICY,
    async (jsm) => {
      await jsm.streams.add({ name: 'ORDERS', subjects: ['orders.>'], allow_direct: true });
      await jsm.streams.add({ name: 'OTHER', subjects: ['other.>'] });
      await jsm.streams.add({
        name: 'JETBUS_ADVISORIES',
        subjects: ['$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.>'],
      });
      await jsm.streams.add({ name: 'JETBUS_DLQ', subjects: ['dlq.>'] });
      for (const [stream, durable] of [
        ['ORDERS', 'billing'],
        ['OTHER', 'billing'],
        ['JETBUS_ADVISORIES', 'jetbus-reaper_ORDERS'],
      ]) {
        await jsm.consumers.add(stream, { durable_name: durable, ack_policy: AckPolicy.Explicit });
      }
    },
    { account: 'ORDERS', user: 'ops' },
  );

  describe('producer', () => {
    it('publishes its subjects with a PubAck on its own inbox', async () => {
      const { nc } = await env.connect('ORDERS', 'api');
      const ack = await jetstream(nc).publish('orders.created', JSON.stringify({ id: 1 }));
      expect(ack.stream).toBe('ORDERS');
    });

    it('is refused another subject: js.publish rejects, naming user and subject', async () => {
      const { nc } = await env.connect('ORDERS', 'api');
      const error = await refusal(jetstream(nc).publish('other.created', 'x'), 'api');
      expect(error).toBeInstanceOf(PermissionDeniedError);
      expect(error).toMatchObject({ user: 'api', subject: 'other.created', operation: 'publish' });
    });

    it('is refused another subject: a plain publish reports through status()', async () => {
      const { nc, identity } = await env.connect('ORDERS', 'api');
      const errors = authErrors(nc, identity);
      nc.publish('other.plain', 'x');
      const error = await first(errors, 'permission error');
      expect(error).toBeInstanceOf(PermissionDeniedError);
      expect(error).toMatchObject({ user: 'api', subject: 'other.plain', operation: 'publish' });
    });

    it('may not subscribe to what it publishes', async () => {
      const { nc, identity } = await env.connect('ORDERS', 'api');
      const errors = authErrors(nc, identity);
      nc.subscribe('orders.>');
      expect(await first(errors, 'permission error')).toMatchObject({
        user: 'api',
        subject: 'orders.>',
        operation: 'subscribe',
      });
    });

    it("keeps its inbox to itself: another user cannot subscribe to the producer's inbox prefix", async () => {
      const { nc, identity } = await env.connect('ORDERS', 'billing');
      const errors = authErrors(nc, identity);
      nc.subscribe('_INBOX_api.>');
      expect(await first(errors, 'permission error')).toMatchObject({
        user: 'billing',
        subject: '_INBOX_api.>',
        operation: 'subscribe',
      });
    });
  });

  describe('worker', () => {
    it('consumes its durable: info, pull, ack', async () => {
      const api = await env.connect('ORDERS', 'api');
      await jetstream(api.nc).publish('orders.paid', 'p');
      const { nc } = await env.connect('ORDERS', 'billing');
      const consumer = await jetstream(nc).consumers.get('ORDERS', 'billing');
      const msg = await consumer.next({ expires: 2000 });
      expect(msg?.subject).toMatch(/^orders\./);
      expect(await msg?.ackAck()).toBe(true);
    });

    it("is refused another stream's consumer of the same name", async () => {
      const { nc } = await env.connect('ORDERS', 'billing');
      const error = await refusal(jetstream(nc).consumers.get('OTHER', 'billing'), 'billing');
      expect(error).toMatchObject({
        user: 'billing',
        subject: '$JS.API.CONSUMER.INFO.OTHER.billing',
        operation: 'publish',
      });
    });

    it('may not create consumers', async () => {
      const { nc } = await env.connect('ORDERS', 'billing');
      const jsm = await jetstreamManager(nc);
      const error = await refusal(
        jsm.consumers.add('ORDERS', {
          durable_name: 'billing2',
          filter_subject: 'orders.x',
          ack_policy: AckPolicy.Explicit,
        }),
        'billing',
      );
      expect(error).toMatchObject({
        subject: '$JS.API.CONSUMER.CREATE.ORDERS.billing2.orders.x',
        operation: 'publish',
      });
    });

    it("dead-letters its own subjects only: another service's DLQ subject is refused", async () => {
      const { nc } = await env.connect('ORDERS', 'billing');
      const js = jetstream(nc);
      expect((await js.publish('dlq.orders.paid', 'failed job')).stream).toBe('JETBUS_DLQ');
      for (const subject of ['dlq.orders.shipped', 'dlq.other.created', 'dlq.orders.paid.extra']) {
        const error = await refusal(js.publish(subject, 'forged'), 'billing');
        expect(error).toBeInstanceOf(PermissionDeniedError);
        expect(error).toMatchObject({ user: 'billing', subject, operation: 'publish' });
      }
    });

    it("keeps poison isolation's attempt records and its completed jobs, for its own consumer only", async () => {
      const { nc } = await env.connect('ORDERS', 'billing');
      const kvm = new Kvm(jetstream(nc));
      // As @jetbus/core: the ledger is created by the first worker that needs it, then bound.
      const ledger = await kvm.create('JETBUS_ATTEMPTS', { history: 1 });
      await ledger.put('ORDERS.billing.7', '{"settledAt":1,"failures":1}');
      expect((await (await kvm.open('JETBUS_ATTEMPTS')).get('ORDERS.billing.7'))?.string()).toContain(
        'failures',
      );
      expect(await refusal(ledger.put('ORDERS.shipping.7', '{}'), 'billing')).toMatchObject({
        subject: '$KV.JETBUS_ATTEMPTS.ORDERS.shipping.7',
      });
      const done = await kvm.create('JETBUS_DONE_billing', { history: 1 });
      await done.put('abc', 'now');
      expect((await done.get('abc'))?.string()).toBe('now');
      expect(await refusal(kvm.create('JETBUS_DONE_shipping'), 'billing')).toMatchObject({
        subject: '$JS.API.STREAM.INFO.KV_JETBUS_DONE_shipping',
      });
    });

    it("admits rate-limited jobs in its own consumer's sliding logs only (compare-and-set)", async () => {
      const { nc } = await env.connect('ORDERS', 'billing');
      const kvm = new Kvm(jetstream(nc));
      // As @jetbus/core's RateLimitStore: create the key's log, then update it at its revision.
      const rate = await kvm.create('JETBUS_RATE', { history: 1 });
      const revision = await rate.create('ORDERS.billing.acme', '[1000]');
      await rate.update('ORDERS.billing.acme', '[1000,2000]', revision);
      expect((await (await kvm.open('JETBUS_RATE')).get('ORDERS.billing.acme'))?.string()).toBe(
        '[1000,2000]',
      );
      expect(await refusal(rate.put('ORDERS.shipping.acme', '[1]'), 'billing')).toMatchObject({
        subject: '$KV.JETBUS_RATE.ORDERS.shipping.acme',
      });
    });

    it("stores its oversized dead-letter payloads in its own stream's bucket only", async () => {
      const { nc } = await env.connect('ORDERS', 'billing');
      const objm = new Objm(jetstream(nc));
      const bucket = await objm.create('JETBUS_DLQ_PAYLOADS_ORDERS');
      await bucket.putBlob({ name: '42' }, new Uint8Array(300_000));
      expect((await bucket.getBlob('42'))?.byteLength).toBe(300_000);
      expect(await refusal(objm.create('JETBUS_DLQ_PAYLOADS_OTHER'), 'billing')).toMatchObject({
        user: 'billing',
      });
    });
  });

  describe('service', () => {
    it('creates its own durable, then consumes it', async () => {
      const { nc } = await env.connect('ORDERS', 'shipping');
      const jsm = await jetstreamManager(nc);
      await jsm.consumers.add('ORDERS', {
        durable_name: 'shipping',
        filter_subject: 'orders.shipped',
        ack_policy: AckPolicy.Explicit,
      });
      const api = await env.connect('ORDERS', 'api');
      await jetstream(api.nc).publish('orders.shipped', 's');
      const msg = await (await jetstream(nc).consumers.get('ORDERS', 'shipping')).next({ expires: 2000 });
      expect(msg?.subject).toBe('orders.shipped');
      msg?.ack();
    });

    it('may not create a durable of another name', async () => {
      const { nc } = await env.connect('ORDERS', 'shipping');
      const jsm = await jetstreamManager(nc);
      const error = await refusal(
        jsm.consumers.add('ORDERS', {
          durable_name: 'intruder',
          filter_subject: 'orders.x',
          ack_policy: AckPolicy.Explicit,
        }),
        'shipping',
      );
      expect(error).toMatchObject({
        user: 'shipping',
        subject: '$JS.API.CONSUMER.CREATE.ORDERS.intruder.orders.x',
      });
    });

    it("dead-letters its own subjects only: the billing worker's DLQ subject is refused", async () => {
      const { nc } = await env.connect('ORDERS', 'shipping');
      const js = jetstream(nc);
      expect((await js.publish('dlq.orders.shipped', 'failed job')).stream).toBe('JETBUS_DLQ');
      const error = await refusal(js.publish('dlq.orders.paid', 'forged'), 'shipping');
      expect(error).toMatchObject({ user: 'shipping', subject: 'dlq.orders.paid', operation: 'publish' });
    });
  });

  describe('reaper', () => {
    it('turns a max-deliveries advisory into a dead letter and deletes the source message', async () => {
      const api = await env.connect('ORDERS', 'api');
      const { seq } = await jetstream(api.nc).publish('orders.poison', 'poison');
      // The advisory the server would emit after max_deliver (shape of 2.9.10's).
      const ops = await env.connect('ORDERS', 'ops');
      await jetstream(ops.nc).publish(
        '$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.ORDERS.billing',
        JSON.stringify({ stream: 'ORDERS', consumer: 'billing', stream_seq: seq, deliveries: 5 }),
      );

      const { nc } = await env.connect('ORDERS', 'reaper');
      const js = jetstream(nc);
      const jsm = await jetstreamManager(nc, { checkAPI: false });
      const advisory = await (
        await js.consumers.get('JETBUS_ADVISORIES', 'jetbus-reaper_ORDERS')
      ).next({ expires: 2000 });
      const { stream, stream_seq } = advisory?.json<{ stream: string; stream_seq: number }>() ?? {
        stream: '',
        stream_seq: 0,
      };
      const original = await jsm.streams.getMessage(stream, { seq: stream_seq });
      const direct = await jsm.direct.getMessage(stream, { seq: stream_seq });
      expect(original?.string()).toBe('poison');
      expect(direct?.subject).toBe('orders.poison');
      const dlqAck = await js.publish('dlq.orders.poison', original?.data, {
        msgID: `dlq:${stream}:${stream_seq}`,
      });
      expect(dlqAck.stream).toBe('JETBUS_DLQ');
      expect(await jsm.streams.deleteMessage(stream, stream_seq)).toBe(true);
      expect(await advisory?.ackAck()).toBe(true);
    });

    it('may not read or delete other streams, nor publish jobs', async () => {
      const { nc } = await env.connect('ORDERS', 'reaper');
      const jsm = await jetstreamManager(nc, { checkAPI: false });
      expect(await refusal(jsm.streams.deleteMessage('OTHER', 1), 'reaper')).toMatchObject({
        subject: '$JS.API.STREAM.MSG.DELETE.OTHER',
      });
      expect(await refusal(jsm.streams.getMessage('OTHER', { seq: 1 }), 'reaper')).toMatchObject({
        subject: '$JS.API.STREAM.MSG.GET.OTHER',
      });
      expect(await refusal(jetstream(nc).publish('orders.created', 'x'), 'reaper')).toMatchObject({
        subject: 'orders.created',
      });
      // Dead letters of the subjects it reaps only.
      expect(await refusal(jetstream(nc).publish('dlq.orders.shipped', 'x'), 'reaper')).toMatchObject({
        subject: 'dlq.orders.shipped',
      });
    });

    it('creates, writes and reads its dead-letter marks for its own streams only', async () => {
      const { nc } = await env.connect('ORDERS', 'reaper');
      const js = jetstream(nc);
      // As @jetbus/core's DeadLetterMarks: look the bucket up, create it on first use, bind later.
      const kvm = new Kvm(js);
      const created = await kvm.create('JETBUS_DLQ_MARKS', { history: 1 });
      await created.put('ORDERS.7', '12');
      expect((await created.get('ORDERS.7'))?.string()).toBe('12');
      const bound = await kvm.open('JETBUS_DLQ_MARKS');
      expect((await bound.get('ORDERS.7'))?.string()).toBe('12');
      expect(await refusal(bound.put('OTHER.7', '13'), 'reaper')).toMatchObject({
        subject: '$KV.JETBUS_DLQ_MARKS.OTHER.7',
      });
      expect(
        await refusal(
          jetstreamManager(nc).then((m) => m.streams.delete('KV_JETBUS_DLQ_MARKS')),
          'reaper',
        ),
      ).toMatchObject({
        subject: '$JS.API.STREAM.DELETE.KV_JETBUS_DLQ_MARKS',
      });
    });
  });

  describe('admin', () => {
    it('manages streams', async () => {
      const { nc } = await env.connect('ORDERS', 'ops');
      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: 'SCRATCH', subjects: ['scratch.>'], max_age: 60_000 * NANOS_PER_MS });
      expect((await jsm.streams.info('SCRATCH')).config.subjects).toEqual(['scratch.>']);
      expect(await jsm.streams.delete('SCRATCH')).toBe(true);
    });
  });
});
