import { randomBytes } from 'node:crypto';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { CleartextRefusedError, DecryptError, JetbusConfigError } from '../errors';
import { KeyRing } from './key-ring';
import { PayloadEncryption, openForHandler, sealForPublish } from './payload-encryption';
import { resolveEncryptionOptions } from './resolve-encryption-options';
import { ENCRYPTION_HEADER, NONCE_BYTES } from './wire-format';

const k1 = randomBytes(32);
const enc = (acceptCleartext = false) =>
  new PayloadEncryption(new KeyRing('test', 'k1', { k1 }), ['pay.>'], acceptCleartext);
const plain = new TextEncoder().encode('{"card":"4111"}');

async function sealed(subject = 'pay.charge', jobId = 'job-1') {
  const s = await sealForPublish(enc(), subject, plain, {}, undefined);
  const h = natsHeaders();
  s!.apply(h);
  expect(s!.jobId).not.toBe('');
  if (jobId) h.set('Jetbus-Job-Id', s!.jobId);
  return { body: s!.body, h };
}

const failureOf = async (p: () => unknown) => {
  try {
    await p();
  } catch (e) {
    return e instanceof DecryptError ? e.failure : (e as Error).name;
  }
  return 'opened';
};

describe('payload encryption', () => {
  it('round-trips, with a fresh nonce per message', async () => {
    const a = await sealed();
    const b = await sealed();
    expect(Buffer.from(a.body.subarray(0, NONCE_BYTES))).not.toEqual(
      Buffer.from(b.body.subarray(0, NONCE_BYTES)),
    );
    expect(a.h.get(ENCRYPTION_HEADER)).toBe('v1; alg=A256GCM; kid=k1');
    expect(Buffer.from(await openForHandler(enc(), 'pay.charge', a.h, a.body))).toEqual(Buffer.from(plain));
  });

  it('binds the ciphertext to its subject and job id', async () => {
    const a = await sealed();
    expect(await failureOf(() => openForHandler(enc(), 'pay.refund', a.h, a.body))).toBe(
      'authentication-failed',
    );
    a.h.set('Jetbus-Job-Id', 'other');
    expect(await failureOf(() => openForHandler(enc(), 'pay.charge', a.h, a.body))).toBe(
      'authentication-failed',
    );
  });

  it('types every way a payload cannot be opened', async () => {
    const a = await sealed();
    expect(await failureOf(() => openForHandler(undefined, 'pay.charge', a.h, a.body))).toBe('no-keys');
    expect(await failureOf(() => openForHandler(enc(), 'pay.charge', a.h, a.body.subarray(0, 20)))).toBe(
      'malformed',
    );
    const noJob = natsHeaders();
    noJob.set(ENCRYPTION_HEADER, a.h.get(ENCRYPTION_HEADER));
    expect(await failureOf(() => openForHandler(enc(), 'pay.charge', noJob, a.body))).toBe('malformed');
    for (const value of ['v2; alg=A256GCM; kid=k1', 'v1; alg=A128GCM; kid=k1']) {
      a.h.set(ENCRYPTION_HEADER, value);
      expect(await failureOf(() => openForHandler(enc(), 'pay.charge', a.h, a.body))).toBe('unsupported');
    }
    a.h.set(ENCRYPTION_HEADER, 'v1; alg=A256GCM; kid=k9');
    expect(await failureOf(() => openForHandler(enc(), 'pay.charge', a.h, a.body))).toBe('unknown-key');
  });

  it('refuses cleartext on an encrypted subject unless acceptCleartext, and passes it elsewhere', () => {
    expect(() => openForHandler(enc(), 'pay.charge', undefined, plain)).toThrow(CleartextRefusedError);
    expect(openForHandler(enc(true), 'pay.charge', undefined, plain)).toBe(plain);
    expect(openForHandler(enc(), 'orders.created', undefined, plain)).toBe(plain);
    expect(openForHandler(undefined, 'pay.charge', undefined, plain)).toBe(plain);
  });

  it('encrypts by subject unless the publish says otherwise, and needs keys for encrypt: true', async () => {
    expect(await sealForPublish(enc(), 'pay.x', plain, { encrypt: false }, undefined)).toBeUndefined();
    expect(await sealForPublish(enc(), 'orders.x', plain, {}, undefined)).toBeUndefined();
    expect(await sealForPublish(enc(), 'orders.x', plain, { encrypt: true }, undefined)).toBeDefined();
    expect(() => sealForPublish(undefined, 'orders.x', plain, { encrypt: true }, undefined)).toThrow(
      JetbusConfigError,
    );
    expect(() => sealForPublish(enc(), 'orders.x', plain, { encrypt: 'yes' as never }, undefined)).toThrow(
      '"encrypt": must be true or false',
    );
  });

  it('binds to the scheduled job id, else the caller Jetbus-Job-Id, else msgId, else a new UUID', async () => {
    const id = async (o: Parameters<typeof sealForPublish>[3], scheduled?: string) =>
      (await sealForPublish(enc(), 'pay.x', plain, o, scheduled))!.jobId;
    expect(await id({ msgId: 'm', headers: { 'jetbus-job-id': 'h' } }, 's')).toBe('s');
    expect(await id({ msgId: 'm', headers: { 'Jetbus-Job-Id': ['h'] } })).toBe('h');
    expect(await id({ msgId: 'm' })).toBe('m');
    expect(await id({})).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('validates the encryption option', () => {
    const keys = new KeyRing('test', 'k1', { k1 });
    expect(() => resolveEncryptionOptions({ keys: 'secret' })).toThrow('"encryption.keys"');
    expect(() => resolveEncryptionOptions({ keys, subjects: ['pay. x'] })).toThrow(
      '"encryption.subjects[0]"',
    );
    expect(() => resolveEncryptionOptions({ keys, subject: [] })).toThrow('did you mean "subjects"');
    expect(() => resolveEncryptionOptions({ keys, acceptCleartext: 'yes' })).toThrow(
      '"encryption.acceptCleartext"',
    );
    expect(resolveEncryptionOptions(undefined)).toBeUndefined();
    expect(resolveEncryptionOptions({ keys })!.covers('pay.x')).toBe(false);
  });
});
