import { Writable } from 'node:stream';
import { createAuthLogger } from './auth-logger';

describe('createAuthLogger', () => {
  it('censors seeds, creds and JWTs at the top level and one level down', () => {
    const lines: string[] = [];
    const out = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = createAuthLogger({ level: 'info' }, out);
    log.info({ seed: 'SUSECRET', user: { creds: '---SECRET---', jwt: 'eyJ.SECRET', name: 'api' } }, 'issued');
    const text = lines.join('');
    expect(text).not.toContain('SECRET');
    expect(JSON.parse(text)).toMatchObject({
      seed: '[redacted]',
      user: { creds: '[redacted]', jwt: '[redacted]', name: 'api' },
    });
  });
});
