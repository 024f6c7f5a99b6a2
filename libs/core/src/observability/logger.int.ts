import { spawn } from 'node:child_process';
import path from 'node:path';

const REGISTER = path.join(__dirname, '..', '..', '..', '..', 'scripts', 'register-ts.js');
const LOGGER = path.join(__dirname, 'logger.ts');
const LINES = 2_000;

/**
 * The default logger's lines survive a `kill -9` that comes right after them: the lines a worker
 * wrote before it died are how an operator learns which job killed it. The child writes
 * LINES lines (far more than a pipe holds) and SIGKILLs itself in the same tick; with pino's
 * default (asynchronous) destination every line after the first write is still in memory then.
 */
describe('createJetbusLogger', () => {
  it('writes every line before a kill -9 that follows it at once', async () => {
    const script =
      `const { createJetbusLogger } = require(${JSON.stringify(LOGGER)});` +
      `const log = createJetbusLogger('t');` +
      `for (let i = 0; i < ${LINES}; i++) log.info({ i, pad: 'x'.repeat(100) }, 'line');` +
      `process.kill(process.pid, 'SIGKILL');`;
    const child = spawn(process.execPath, ['-r', REGISTER, '-e', script], {
      env: { ...process.env, JETBUS_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const signal = await new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('close', (_code, sig) => resolve(sig)),
    );
    expect(signal).toBe('SIGKILL');
    const seen = out
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { i: number }).i);
    expect(seen).toEqual(Array.from({ length: LINES }, (_, i) => i));
  });
});
