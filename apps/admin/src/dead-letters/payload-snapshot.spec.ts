import { AUDIT_PAYLOAD_MAX, payloadSnapshot } from './payload-snapshot';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('payloadSnapshot', () => {
  it('keeps UTF-8 text as sent, control characters escaped', () => {
    expect(payloadSnapshot(bytes('{"qty":-2}'))).toEqual({
      encoding: 'utf8',
      payload: '{"qty":-2}',
      bytes: 10,
    });
    expect(payloadSnapshot(bytes('a\u001bb'))).toEqual({ encoding: 'utf8', payload: 'a\\u001bb', bytes: 3 });
  });

  it('keeps binary as base64', () => {
    expect(payloadSnapshot(new Uint8Array([0xff, 0x00, 0x01]))).toEqual({
      encoding: 'base64',
      payload: '/wAB',
      bytes: 3,
    });
  });

  it('cuts at 64 KiB with a note', () => {
    const text = payloadSnapshot(bytes('x'.repeat(AUDIT_PAYLOAD_MAX + 10)));
    expect([text.payload.length, text.note]).toEqual([
      AUDIT_PAYLOAD_MAX,
      `cut at ${AUDIT_PAYLOAD_MAX} characters of ${AUDIT_PAYLOAD_MAX + 10} bytes`,
    ]);
    const binary = new Uint8Array(AUDIT_PAYLOAD_MAX + 1).fill(0xff);
    const snap = payloadSnapshot(binary);
    expect([Buffer.from(snap.payload, 'base64').length, snap.note]).toEqual([
      AUDIT_PAYLOAD_MAX,
      `cut at ${AUDIT_PAYLOAD_MAX} of ${AUDIT_PAYLOAD_MAX + 1} bytes`,
    ]);
  });
});
