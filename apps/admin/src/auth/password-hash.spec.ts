import { SCRYPT_PARAMS, hashPassword, verifyPassword } from './password-hash';

describe('password hashes', () => {
  it('hashes in the configured scrypt format with a 16-byte salt and N=2^15, r=8, p=1', async () => {
    const hash = await hashPassword('correct horse');
    const [scheme, N, r, p, salt, key] = hash.split('$');
    expect([scheme, N, r, p]).toEqual(['scrypt', '32768', '8', '1']);
    expect(Buffer.from(salt, 'base64')).toHaveLength(SCRYPT_PARAMS.saltBytes);
    expect(Buffer.from(key, 'base64')).toHaveLength(SCRYPT_PARAMS.keyBytes);
  });

  it('salts every hash: the same password gives two different hashes, both verifying', async () => {
    const [a, b] = await Promise.all([hashPassword('same'), hashPassword('same')]);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same', a)).toBe(true);
    expect(await verifyPassword('same', b)).toBe(true);
  });

  it('refuses a wrong password, and a malformed or absurdly expensive hash', async () => {
    const hash = await hashPassword('right');
    expect(await verifyPassword('wrong', hash)).toBe(false);
    expect(await verifyPassword('right', 'not-a-hash')).toBe(false);
    expect(await verifyPassword('right', hash.replace('$32768$', '$33000$'))).toBe(false);
    expect(await verifyPassword('right', hash.replace('$32768$', `$${2 ** 24}$`))).toBe(false);
  });

  it('verifies the same text whatever its Unicode normalization', async () => {
    const hash = await hashPassword('caf\u00e9');
    expect(await verifyPassword('cafe\u0301', hash)).toBe(true);
  });
});
