import { execFileSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '../../../..');

/** The packages a fresh Node process has loaded after requiring `@jetbus/core/ops` (compiled on the fly). */
function packagesLoadedByOps(): string[] {
  const script = `
    require(${JSON.stringify(path.join(root, 'scripts/register-ts.js'))});
    require('@jetbus/core/ops');
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

describe('@jetbus/core/ops', () => {
  // The CLI and scripts load it to run a deployment; NestJS and class-validator are most of the
  // main entry point's start time (about 1 s of CPU), and nothing here needs them.
  it('loads no NestJS, class-validator or class-transformer', () => {
    expect(packagesLoadedByOps().filter((name) => /^(@nestjs\/|class-|rxjs)/.test(name))).toEqual([]);
  });

  it('is re-exported by the root entry point: the same values under the same names', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ops = require('@jetbus/core/ops') as Record<string, unknown>;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const core = require('@jetbus/core') as Record<string, unknown>;
    const names = Object.keys(ops);
    expect(names.length).toBeGreaterThan(40);
    expect(names.filter((name) => ops[name] !== core[name])).toEqual([]);
  });
});
