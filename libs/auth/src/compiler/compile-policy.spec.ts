import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Account, encodeAccount, type Operator, type User } from '@nats-io/jwt';
import { decodeJwt as decode } from '../crypto/decode-jwt';
import { KeyStore } from '../keystore/key-store';
import { type AuthPolicy } from '../policy/auth-policy.types';
import { type PolicyDocument } from '../policy/policy-document.types';
import { validatePolicy } from '../policy/validate-policy';
import { compilePolicy } from './compile-policy';
import { type CompiledPolicy, type PreviousJwts } from './compiled-policy.types';

function policy(overrides: (doc: PolicyDocument) => void = () => undefined): AuthPolicy {
  const doc: PolicyDocument = {
    operator: { name: 'jetbus' },
    roles: {
      producer: { producer: { subjects: ['orders.>'] } },
      billing: { worker: { stream: 'ORDERS', consumer: 'billing' } },
    },
    accounts: {
      ORDERS: {
        limits: { connections: 50, jetstream: { diskStorage: '1G' } },
        exports: [
          { subject: 'orders.events.>', type: 'stream' },
          { subject: 'orders.public.>', type: 'stream', public: true },
          { subject: 'orders.rpc.>', type: 'service' },
        ],
        users: {
          api: { roles: ['producer'], inboxPrefix: '_INBOX_api', allowedCidrs: ['127.0.0.1/32'] },
          billing: {
            roles: ['billing', 'producer'],
            publish: { deny: ['orders.secret'] },
            expires: '2030-01-01T00:00:00Z',
          },
          listener: { subscribe: { allow: ['orders.events.>'] } },
        },
      },
      SHIPPING: {
        imports: [
          { account: 'ORDERS', subject: 'orders.events.shipped' },
          { account: 'ORDERS', subject: 'orders.public.>' },
          { account: 'ORDERS', subject: 'orders.rpc.quote', type: 'service', localSubject: 'quote' },
        ],
        users: { shipper: { subscribe: { allow: ['orders.events.shipped'] } } },
      },
    },
  };
  overrides(doc);
  return validatePolicy(doc);
}

const account = (c: CompiledPolicy, name: string) => {
  const a = c.accounts.find((x) => x.name === name);
  if (!a) throw new Error(`no account ${name}`);
  return { ...a, claims: decode<Account>(a.jwt) };
};
const user = (c: CompiledPolicy, acc: string, name: string) => {
  const u = c.users.find((x) => x.account === acc && x.name === name);
  if (!u) throw new Error(`no user ${acc}/${name}`);
  return { ...u, claims: decode<User>(u.jwt) };
};
const previousOf = (c: CompiledPolicy): PreviousJwts => ({
  operator: c.operator.jwt,
  accounts: Object.fromEntries(c.accounts.map((a) => [a.name, a.jwt])),
  users: Object.fromEntries(c.users.map((u) => [`${u.account}/${u.name}`, u.jwt])),
});

describe('compilePolicy', () => {
  let dir: string;
  let keys: KeyStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jetbus-compile-'));
    keys = await KeyStore.open(join(dir, 'keys'));
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
  });

  it('signs the operator with its identity key, listing its signing key and SYS', async () => {
    const c = await compilePolicy(policy(), keys);
    const op = decode<Operator>(c.operator.jwt);
    expect(op.name).toBe('jetbus');
    expect(op.iss).toBe(op.sub);
    expect(op.sub).toBe(await keys.operatorPublicKey());
    expect(op.nats.signing_keys).toEqual([(await keys.operatorSigningKey()).getPublicKey()]);
    expect(op.nats.system_account).toBe(c.systemAccount.publicKey);
  });

  it('always has the system account with JetStream explicitly off and a claims-only user', async () => {
    const c = await compilePolicy(policy(), keys);
    const sys = account(c, 'SYS');
    expect(c.accounts[0].name).toBe('SYS');
    expect(sys.claims.nats.limits).toEqual({
      subs: -1,
      conn: -1,
      leaf: -1,
      imports: -1,
      exports: -1,
      data: -1,
      payload: -1,
      wildcards: true,
      mem_storage: 0,
      disk_storage: 0,
      streams: 0,
      consumer: 0,
    });
    const sysUser = user(c, 'SYS', 'sys');
    expect(sysUser.claims.nats.pub).toEqual({
      allow: ['$SYS.REQ.ACCOUNT.*.CLAIMS.LOOKUP', '$SYS.REQ.CLAIMS.>'],
    });
    expect(sysUser.claims.nats.sub).toEqual({ allow: ['_INBOX.>'] });
  });

  it('writes explicit limits, JetStream included, into every app account', async () => {
    const c = await compilePolicy(policy(), keys);
    const orders = account(c, 'ORDERS');
    expect(orders.claims.iss).toBe(c.operator.signingKey);
    expect(orders.claims.nats.limits).toEqual({
      subs: -1,
      conn: 50,
      leaf: -1,
      imports: -1,
      exports: -1,
      data: -1,
      payload: -1,
      wildcards: true,
      mem_storage: -1,
      disk_storage: 1024 ** 3,
      streams: -1,
      consumer: -1,
    });
    expect(account(c, 'SHIPPING').claims.nats.limits).toMatchObject({
      mem_storage: -1,
      disk_storage: -1,
      streams: -1,
      consumer: -1,
    });
    expect(orders.claims.nats.signing_keys).toEqual([orders.signingKey]);
    expect(orders.signingKey).not.toBe(orders.publicKey);
  });

  it('signs users with the account signing key, issuer_account set', async () => {
    const c = await compilePolicy(policy(), keys);
    const orders = account(c, 'ORDERS');
    const api = user(c, 'ORDERS', 'api');
    expect(api.claims.iss).toBe(orders.signingKey);
    expect(api.claims.nats.issuer_account).toBe(orders.publicKey);
    expect(api.publicKey).toBe((await keys.user('ORDERS', 'api')).getPublicKey());
  });

  it("compiles users' permissions from their roles, with their own inbox", async () => {
    const c = await compilePolicy(policy(), keys);
    const api = user(c, 'ORDERS', 'api');
    expect(api.claims.nats.pub).toEqual({ allow: ['orders.>'] });
    expect(api.claims.nats.sub).toEqual({ allow: ['_INBOX_api.>'] });
    expect(api.claims.nats.src).toEqual(['127.0.0.1/32']);
    expect(api.inboxPrefix).toBe('_INBOX_api');
    expect(api.claims.exp).toBeUndefined();

    const billing = user(c, 'ORDERS', 'billing');
    expect(billing.claims.nats.pub).toEqual({
      allow: [
        '$JS.ACK.ORDERS.billing.>',
        '$JS.API.CONSUMER.INFO.ORDERS.billing',
        '$JS.API.CONSUMER.MSG.NEXT.ORDERS.billing',
        '$JS.API.DIRECT.GET.KV_JETBUS_ATTEMPTS.$KV.JETBUS_ATTEMPTS.ORDERS.billing.*',
        '$JS.API.INFO',
        '$JS.API.STREAM.CREATE.KV_JETBUS_ATTEMPTS',
        '$JS.API.STREAM.CREATE.KV_JETBUS_WORKERS',
        '$JS.API.STREAM.INFO.KV_JETBUS_ATTEMPTS',
        '$JS.API.STREAM.INFO.KV_JETBUS_WORKERS',
        '$JS.API.STREAM.MSG.GET.KV_JETBUS_ATTEMPTS',
        '$KV.JETBUS_ATTEMPTS.ORDERS.billing.*',
        // Its own heartbeat keys: the user's name, not the role's.
        '$KV.JETBUS_WORKERS.billing.>',
        'orders.>',
      ],
      deny: ['orders.secret'],
    });
    expect(billing.claims.nats.sub).toEqual({ allow: ['_INBOX.>'] });
    expect(billing.claims.exp).toBe(Date.parse('2030-01-01T00:00:00Z') / 1000);
    expect(billing.expired).toBe(false);
  });

  it('denies everything in a direction where a user has no allow (an empty allow list would allow all)', async () => {
    const c = await compilePolicy(policy(), keys);
    const listener = user(c, 'ORDERS', 'listener');
    expect(listener.claims.nats.pub).toEqual({ deny: ['>'] });
    expect(listener.claims.nats.sub).toEqual({ allow: ['orders.events.>'] });
  });

  it('marks users whose expiry is past', async () => {
    const c = await compilePolicy(
      policy((d) => (d.accounts.ORDERS.users!.api.expires = '2001-01-01T00:00:00Z')),
      keys,
    );
    expect(user(c, 'ORDERS', 'api').expired).toBe(true);
  });

  it('exports privately by default and gives importers activation tokens for what they import', async () => {
    const c = await compilePolicy(policy(), keys);
    const orders = account(c, 'ORDERS');
    expect(orders.claims.nats.exports).toEqual([
      { name: 'orders.events.>', subject: 'orders.events.>', type: 'stream', token_req: true },
      { name: 'orders.public.>', subject: 'orders.public.>', type: 'stream' },
      { name: 'orders.rpc.>', subject: 'orders.rpc.>', type: 'service', token_req: true },
    ]);
    const shipping = account(c, 'SHIPPING');
    const [events, pub, rpc] = shipping.claims.nats.imports ?? [];
    expect(events).toMatchObject({
      subject: 'orders.events.shipped',
      account: orders.publicKey,
      type: 'stream',
    });
    const activation = decode<{ subject: string; kind: string; issuer_account: string }>(
      events.token as string,
    );
    expect(activation.sub).toBe(shipping.publicKey);
    expect(activation.iss).toBe(orders.signingKey);
    expect(activation.nats).toMatchObject({
      subject: 'orders.events.shipped',
      kind: 'stream',
      issuer_account: orders.publicKey,
    });
    expect(pub.token).toBeUndefined();
    expect(rpc).toMatchObject({ subject: 'orders.rpc.quote', type: 'service', local_subject: 'quote' });
    expect(rpc.token).toEqual(expect.any(String));
  });

  it('keeps every JWT byte for byte when nothing changed, so re-running changes nothing', async () => {
    const first = await compilePolicy(policy(), keys);
    // Sign "later": fresh JWTs would differ in iat and jti.
    const later = Date.now() + 5000;
    jest.spyOn(Date, 'now').mockReturnValue(later);
    const again = await compilePolicy(policy(), await KeyStore.open(join(dir, 'keys')), {
      previous: previousOf(first),
    });
    expect(again.operator.jwt).toBe(first.operator.jwt);
    expect(again.accounts.map((a) => a.jwt)).toEqual(first.accounts.map((a) => a.jwt));
    expect(again.users.map((u) => u.jwt)).toEqual(first.users.map((u) => u.jwt));
  });

  it('re-signs only what changed', async () => {
    const first = await compilePolicy(policy(), keys);
    const changed = await compilePolicy(
      policy((d) => (d.accounts.SHIPPING.limits = { connections: 5 })),
      keys,
      { previous: previousOf(first) },
    );
    expect(account(changed, 'ORDERS').jwt).toBe(account(first, 'ORDERS').jwt);
    expect(account(changed, 'SHIPPING').jwt).not.toBe(account(first, 'SHIPPING').jwt);
    expect(account(changed, 'SHIPPING').claims.nats.limits?.conn).toBe(5);
    // The activation token inside it stayed the same.
    expect(account(changed, 'SHIPPING').claims.nats.imports?.[0].token).toBe(
      account(first, 'SHIPPING').claims.nats.imports?.[0].token,
    );
  });

  it('revokes the keys of users that left the policy, in their account JWT', async () => {
    const first = await compilePolicy(policy(), keys);
    const listenerKey = user(first, 'ORDERS', 'listener').publicKey;
    const now = new Date('2031-01-01T00:00:00Z');
    const c = await compilePolicy(
      policy((d) => delete d.accounts.ORDERS.users!.listener),
      keys,
      { previous: previousOf(first), now },
    );
    expect(c.revoked).toEqual([
      { account: 'ORDERS', user: 'listener', publicKey: listenerKey, revokedAt: now.toISOString() },
    ]);
    expect(account(c, 'ORDERS').claims.nats.revocations).toEqual({ [listenerKey]: now.getTime() / 1000 });
    expect(c.users.map((u) => `${u.account}/${u.name}`)).not.toContain('ORDERS/listener');
  });

  it('turns an account that left the policy into a tombstone', async () => {
    const before = await compilePolicy(policy(), keys);
    const now = new Date('2031-01-01T00:00:00Z');
    const c = await compilePolicy(
      policy((d) => {
        delete d.accounts.SHIPPING;
      }),
      keys,
      { now },
    );
    const shipping = account(c, 'SHIPPING');
    expect(shipping.removed).toBe(true);
    expect(c.revoked.map((r) => `${r.account}/${r.user}`)).toEqual(['SHIPPING/shipper']);
    expect(shipping.claims.nats.limits).toMatchObject({ conn: -1, leaf: 0 });
    // JetStream off, not unlimited: a removed account keeps no storage.
    expect(shipping.claims.nats.limits).toMatchObject({
      mem_storage: 0,
      disk_storage: 0,
      streams: 0,
      consumer: 0,
    });
    expect(shipping.claims.nats.revocations).toEqual({ '*': now.getTime() / 1000 });
    expect(shipping.claims.nats.signing_keys).toBeUndefined();

    // Back in the policy: a live account again, its old user keys revoked, new ones issued.
    const back = await compilePolicy(policy(), keys, { now });
    const oldShipper = user(before, 'SHIPPING', 'shipper').publicKey;
    expect(account(back, 'SHIPPING').claims.nats.revocations).toEqual({ [oldShipper]: now.getTime() / 1000 });
    expect(user(back, 'SHIPPING', 'shipper').publicKey).not.toBe(oldShipper);
  });

  it('keeps a tombstone as it is on later compiles, and re-issues one that left JetStream unlimited', async () => {
    await compilePolicy(policy(), keys);
    const removedAt = new Date('2031-01-01T00:00:00Z');
    const without = policy((d) => {
      delete d.accounts.SHIPPING;
    });
    const first = await compilePolicy(without, keys, { now: removedAt });
    const later = await compilePolicy(without, keys, {
      previous: previousOf(first),
      now: new Date('2032-01-01T00:00:00Z'),
    });
    expect(account(later, 'SHIPPING').jwt).toBe(account(first, 'SHIPPING').jwt);

    // A tombstone an older version wrote: same `*` time, JetStream unlimited.
    const shippingKey = account(first, 'SHIPPING').publicKey;
    const legacy = await encodeAccount(
      'SHIPPING',
      shippingKey,
      {
        limits: {
          ...account(first, 'SHIPPING').claims.nats.limits,
          mem_storage: -1,
          disk_storage: -1,
          streams: -1,
          consumer: -1,
        },
        revocations: { '*': removedAt.getTime() / 1000 },
      },
      { signer: await keys.operatorSigningKey() },
    );
    const fixed = await compilePolicy(without, keys, {
      previous: { ...previousOf(first), accounts: { ...previousOf(first).accounts, SHIPPING: legacy } },
      now: new Date('2032-01-01T00:00:00Z'),
    });
    expect(account(fixed, 'SHIPPING').jwt).not.toBe(legacy);
    expect(account(fixed, 'SHIPPING').claims.nats.limits).toMatchObject({ disk_storage: 0, streams: 0 });
    expect(account(fixed, 'SHIPPING').claims.nats.revocations).toEqual({ '*': removedAt.getTime() / 1000 });
  });
});
