import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { DEAD_LETTER_SUBJECT_MAX, deadLetterSubjectTail } from './dead-letter-headers';
import { KV_KEY_TOKEN_MAX, boundedKvKeyPart, kvKeyPart } from './names';

const root = path.resolve(__dirname, '../../../..');

/** The packages a fresh Node process has loaded after requiring `entry` (compiled on the fly). */
function packagesLoadedBy(entry: string): string[] {
  const script = `
    require(${JSON.stringify(path.join(root, 'scripts/register-ts.js'))});
    require(${JSON.stringify(entry)});
    const names = new Set();
    for (const file of Object.keys(require.cache)) {
      const m = /node_modules[\\\\/]((?:@[^\\\\/]+[\\\\/])?[^\\\\/]+)/.exec(file);
      if (m) names.add(m[1].replace('\\\\', '/'));
    }
    process.stdout.write(JSON.stringify([...names].sort()));
  `;
  return JSON.parse(
    execFileSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' }),
  ) as string[];
}

describe('@jetbus/core/wire', () => {
  // @jetbus/auth and the CLI load the wire contract without a Nest application: requiring it must
  // not drag in Nest (or class-validator, or the JetStream client) through some barrel.
  it('loads no NestJS, class-validator or nats.js', () => {
    const loaded = packagesLoadedBy('@jetbus/core/wire');
    expect(
      loaded.filter((name) => /^(@nestjs\/|class-|@nats-io\/|rxjs|reflect-metadata)/.test(name)),
    ).toEqual([]);
  });

  it('is what the root entry exports under the same names', () => {
    // Loaded through Jest's mapper, as users import them.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const wire = require('@jetbus/core/wire') as Record<string, unknown>;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const core = require('@jetbus/core') as Record<string, unknown>;
    for (const name of [
      'PermissionDeniedError',
      'AuthenticationError',
      'DEAD_LETTER_DEFAULT_STREAM',
      'DeadLetterHeaders',
    ]) {
      expect({ name, same: wire[name] === core[name] }).toEqual({ name, same: true });
    }
  });
});

describe('boundedKvKeyPart', () => {
  it('is kvKeyPart for every key a publish accepts (256 characters, escaped)', () => {
    expect(boundedKvKeyPart('orders:42')).toBe('orders=3a42');
    const widest = '\u4e2d'.repeat(256);
    expect(boundedKvKeyPart(widest)).toBe(kvKeyPart(widest));
    expect(kvKeyPart(widest).length).toBe(KV_KEY_TOKEN_MAX);
  });

  it('hashes a longer token, so a key copied from a hostile header fits a protocol line', () => {
    const long = 'j'.repeat(10_000);
    expect(boundedKvKeyPart(long)).toMatch(/^=h[0-9a-f]{64}$/);
    expect(boundedKvKeyPart(long)).toBe(boundedKvKeyPart(long));
    expect(boundedKvKeyPart('$'.repeat(3_000))).not.toBe(boundedKvKeyPart('$'.repeat(3_001)));
    // No escaped token starts with `=h`: `kvKeyPart` writes `=` only before hex digits.
    expect(kvKeyPart('=h')).toBe('=3dh');
  });
});

describe('deadLetterSubjectTail', () => {
  it('is the subject itself up to DEAD_LETTER_SUBJECT_MAX bytes', () => {
    expect(deadLetterSubjectTail('orders.created')).toBe('orders.created');
    const atMax = `a.${'b'.repeat(DEAD_LETTER_SUBJECT_MAX - 2)}`;
    expect(deadLetterSubjectTail(atMax)).toBe(atMax);
  });

  it('replaces long tokens, keeping the token count (a `*` still matches)', () => {
    const tail = deadLetterSubjectTail(`orders.${'x'.repeat(3_000)}.created`);
    expect(tail).toMatch(/^orders\.=h[0-9a-f]{32}\.created$/);
  });

  it('keeps leading tokens and one digest for the rest when short tokens are too many', () => {
    const many = `orders.${Array.from({ length: 1_500 }, (_, i) => `t${i}`).join('.')}`;
    const tail = deadLetterSubjectTail(many);
    expect(Buffer.byteLength(tail)).toBeLessThanOrEqual(DEAD_LETTER_SUBJECT_MAX);
    expect(tail.startsWith('orders.t0.t1.')).toBe(true);
    expect(tail).toMatch(/\.=h[0-9a-f]{32}$/);
    expect(deadLetterSubjectTail(`${many}.x`)).not.toBe(tail);
  });

  it('counts bytes, not characters', () => {
    const wide = `orders.${'é'.repeat(1_500)}`;
    expect(deadLetterSubjectTail(wide)).toMatch(/^orders\.=h[0-9a-f]{32}$/);
  });
});
