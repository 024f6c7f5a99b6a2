import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EncryptionKeyError } from '../errors';
import { envKeyProvider } from './env-key-provider';
import { EnvelopeKeyProvider } from './envelope-key-provider';
import { fileKeyProvider } from './file-key-provider';
import { KeyRing } from './key-ring';

const b64 = () => randomBytes(32).toString('base64');

describe('key providers', () => {
  it('reads <kid>:<base64> pairs from the environment, the first current', () => {
    const [a, b] = [b64(), b64()];
    const ring = envKeyProvider('KEYS', { KEYS: `k2:${b}, k1:${a}` });
    expect(ring.currentKey().id).toBe('k2');
    expect(Buffer.from(ring.findKey('k1')!.key).toString('base64')).toBe(a);
    expect(ring.findKey('k3')).toBeUndefined();
  });

  it('refuses missing, short, non-base64 keys and bad key ids, never showing the key', () => {
    const short = randomBytes(16).toString('base64');
    expect(() => envKeyProvider('KEYS', {})).toThrow(EncryptionKeyError);
    expect(() => envKeyProvider('KEYS', { KEYS: `k1:${short}` })).toThrow('must be 32 bytes in base64');
    expect(() => envKeyProvider('KEYS', { KEYS: `k1:${short}` })).not.toThrow(short);
    expect(() => envKeyProvider('KEYS', { KEYS: `k1:${b64().slice(0, 40)}!!!!` })).toThrow(
      'must be 32 bytes',
    );
    expect(() => envKeyProvider('KEYS', { KEYS: `bad id:${b64()}` })).toThrow('key id "bad id"');
    expect(() => new KeyRing('x', 'k2', { k1: b64() })).toThrow(
      'the current key "k2" is not among the keys (k1)',
    );
  });

  it('reads a key ring file only when it is 0600', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jetbus-keys-'));
    const file = join(dir, 'keys.json');
    writeFileSync(file, JSON.stringify({ current: 'k1', keys: { k1: b64() } }), { mode: 0o644 });
    chmodSync(file, 0o644);
    expect(() => fileKeyProvider(file)).toThrow(
      'is open to group or others (mode 0644); run chmod 600 on it',
    );
    chmodSync(file, 0o600);
    expect(fileKeyProvider(file).currentKey().id).toBe('k1');
    expect(() => fileKeyProvider(join(dir, 'missing.json'))).toThrow('cannot be read (ENOENT)');
    writeFileSync(file, '{"current":"k1"}');
    expect(() => fileKeyProvider(file)).toThrow(EncryptionKeyError);
  });

  it('unwraps envelope data keys once, caches them, and asks again after a failure', async () => {
    const dataKey = randomBytes(32);
    let calls = 0;
    let fail = true;
    const kms = new EnvelopeKeyProvider({
      current: 'd1',
      wrappedKeys: { d1: Buffer.from('wrapped-d1').toString('base64'), bad: 'AAAA' },
      unwrap: async (wrapped, kid) => {
        calls++;
        if (kid === 'bad') return randomBytes(16);
        if (fail) throw new Error('KMS unavailable');
        expect(Buffer.from(wrapped).toString()).toBe('wrapped-d1');
        return dataKey;
      },
    });
    await expect(kms.currentKey()).rejects.toThrow('KMS unavailable');
    fail = false;
    const [a, b] = await Promise.all([kms.currentKey(), kms.findKey('d1')]);
    expect(a.key).toBe(dataKey);
    expect(b!.key).toBe(dataKey);
    expect(calls).toBe(2);
    expect(await kms.findKey('nope')).toBeUndefined();
    await expect(kms.findKey('bad')).rejects.toThrow(EncryptionKeyError);
    expect(
      () => new EnvelopeKeyProvider({ current: 'x', wrappedKeys: {}, unwrap: async () => dataKey }),
    ).toThrow('the current key "x"');
  });
});
