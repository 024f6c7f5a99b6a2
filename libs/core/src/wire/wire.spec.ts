import { execFileSync } from 'node:child_process';
import path from 'node:path';

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
