import { randomBytes } from 'node:crypto';
import { payloadEncryptionNote } from './payload-encryption-note';
import { viewPayload } from './payload-view';

describe('payload view of an encrypted payload', () => {
  const ciphertext = randomBytes(64);

  it('says it is encrypted and shows the ciphertext as a hex dump (text when asked)', () => {
    const encryption = payloadEncryptionNote([
      ['Content-Type', 'application/json'],
      ['jetbus-enc', 'v1; alg=A256GCM; kid=k1'],
    ]);
    expect(encryption).toEqual({
      kid: 'k1',
      note: 'encrypted payload (kid=k1): shown as ciphertext, the admin app holds no keys (decrypt with jetbus dlq show --keys)',
    });
    const view = viewPayload(ciphertext, { format: 'json', encryption });
    expect(view).toMatchObject({ format: 'hex', bytes: 64, encryption });
    expect(view.text.split('\n')).toHaveLength(4);
    expect(viewPayload(ciphertext, { format: 'text', encryption }).format).toBe('text');
  });

  it('leaves cleartext alone and escapes a hostile kid', () => {
    expect(payloadEncryptionNote({ 'Content-Type': ['application/json'] })).toBeUndefined();
    expect(viewPayload(new TextEncoder().encode('{"a":1}')).encryption).toBeUndefined();
    expect(payloadEncryptionNote({ 'Jetbus-Enc': ['v1; kid=\u001b[31mx'] })!.kid).toBe('\\u001b[31mx');
  });
});
