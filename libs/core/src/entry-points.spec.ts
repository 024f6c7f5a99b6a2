import { execFileSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '../../..');

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

/** Loaded through Jest's mapper, as users import them. */
const load = (entry: string): Record<string, unknown> =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(entry) as Record<string, unknown>;

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
    const wire = load('@jetbus/core/wire');
    const core = load('@jetbus/core');
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

describe('@jetbus/core/ops', () => {
  // The CLI and scripts load it to run a deployment; NestJS and class-validator are most of the
  // main entry point's start time (about 1 s of CPU), and nothing here needs them.
  it('loads no NestJS, class-validator or class-transformer', () => {
    expect(
      packagesLoadedBy('@jetbus/core/ops').filter((name) => /^(@nestjs\/|class-|rxjs)/.test(name)),
    ).toEqual([]);
  });

  it('is re-exported by the root entry point: the same values under the same names', () => {
    const ops = load('@jetbus/core/ops');
    const core = load('@jetbus/core');
    const names = Object.keys(ops);
    expect(names.length).toBeGreaterThan(40);
    expect(names.filter((name) => ops[name] !== core[name])).toEqual([]);
  });
});
