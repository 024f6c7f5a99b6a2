import { inspect } from 'node:util';
import { decode, encodeUser } from '@nats-io/jwt';
import { createAccount, createUser, fromPublic, fromSeed } from '@nats-io/nkeys';
import { decodeJwt } from './decode-jwt';
import { NKeyPrefixes } from './nkey-codec';
import { NodeKeyPair, verifyWithPublicKey } from './node-key-pair';

const te = new TextEncoder();

describe('NodeKeyPair', () => {
  // One @nats-io/nkeys key: its pure-JS ed25519 is slow, so the cross-checks share it.
  const reference = createUser();
  const seed = new TextDecoder().decode(reference.getSeed());

  it('reads @nats-io/nkeys seeds: same public key, same signatures', () => {
    const kp = new NodeKeyPair(seed);
    expect(kp.getPublicKey()).toBe(reference.getPublicKey());
    const data = te.encode('nonce');
    expect(Buffer.from(kp.sign(data)).equals(Buffer.from(reference.sign(data)))).toBe(true);
    expect(new TextDecoder().decode(kp.getPrivateKey())).toBe(
      new TextDecoder().decode(reference.getPrivateKey()),
    );
  });

  it('creates seeds @nats-io/nkeys reads', () => {
    const kp = NodeKeyPair.create(NKeyPrefixes.Account);
    expect(kp.getPublicKey()).toMatch(/^A[A-Z2-7]{55}$/);
    expect(new TextDecoder().decode(kp.getSeed())).toMatch(/^SA[A-Z2-7]{56}$/);
    const other = fromSeed(kp.getSeed());
    expect(other.getPublicKey()).toBe(kp.getPublicKey());
    expect(fromPublic(kp.getPublicKey()).verify(te.encode('x'), kp.sign(te.encode('x')))).toBe(true);
  });

  it('never shows its seed when logged or serialized', () => {
    const kp = NodeKeyPair.create(NKeyPrefixes.User);
    const seedText = new TextDecoder().decode(kp.getSeed());
    expect(JSON.stringify({ kp })).not.toContain(seedText);
    expect(inspect(kp)).toBe(`NodeKeyPair(${kp.getPublicKey()})`);
  });

  it('rejects a damaged seed', () => {
    const damaged = `${seed.slice(0, 10)}${seed[10] === 'A' ? 'B' : 'A'}${seed.slice(11)}`;
    expect(() => new NodeKeyPair(damaged)).toThrow('invalid nkey checksum');
    expect(() => new NodeKeyPair(reference.getPublicKey())).toThrow();
  });
});

describe('decodeJwt', () => {
  it('decodes what @nats-io/jwt signs and agrees with its decode', async () => {
    const account = NodeKeyPair.create(NKeyPrefixes.Account);
    const jwt = await encodeUser('u', NodeKeyPair.create(NKeyPrefixes.User), account, {
      pub: { allow: ['a'] },
    });
    expect(decodeJwt(jwt)).toEqual(decode(jwt));
  });

  it('rejects a forged signature', async () => {
    const jwt = await encodeUser(
      'u',
      NodeKeyPair.create(NKeyPrefixes.User),
      NodeKeyPair.create(NKeyPrefixes.Account),
    );
    const [h, p] = jwt.split('.');
    const forged = `${h}.${p}.${Buffer.from(new Uint8Array(64)).toString('base64url')}`;
    expect(() => decodeJwt(forged)).toThrow('jwt signature verification failed');
    expect(verifyWithPublicKey(createAccount().getPublicKey(), te.encode('x'), new Uint8Array(64))).toBe(
      false,
    );
  });
});
