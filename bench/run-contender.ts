import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { type ContenderName, type ContenderParams, type ContenderResult } from './protocol';

/** The compiled script of each contender, next to this file in dist/bench. */
const SCRIPTS: Record<ContenderName, string> = {
  raw: 'contenders/raw.js',
  jetbus: 'contenders/jetbus.js',
  'jetbus-novalidate': 'contenders/jetbus.js',
  'jetbus-encrypted': 'contenders/jetbus.js',
  bullmq: 'contenders/bullmq.js',
};

export const contenderScript = (name: ContenderName): string => join(__dirname, SCRIPTS[name]);

export class ContenderFailedError extends Error {
  override name = 'ContenderFailedError';
}

/**
 * Runs one contender in its own Node process (same binary as the bench), so no JIT state, heap
 * or event loop is shared between contenders. Its stderr goes straight to ours; its stdout must be
 * one JSON line.
 */
export function runContender(
  params: ContenderParams,
  timeoutMs: number,
  nodeArgs: string[] = [],
): Promise<ContenderResult> {
  return new Promise((resolve, reject) => {
    const args = [...nodeArgs, contenderScript(params.contender), JSON.stringify(params)];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (stdout += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new ContenderFailedError(`${params.contender} did not finish within ${timeoutMs / 1000} s; killed`),
      );
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) {
        reject(new ContenderFailedError(`${params.contender} exited with ${signal ?? `code ${code}`}`));
        return;
      }
      const line = stdout.trim().split('\n').at(-1) ?? '';
      try {
        resolve(JSON.parse(line) as ContenderResult);
      } catch {
        reject(
          new ContenderFailedError(`${params.contender} printed no JSON result: ${JSON.stringify(stdout)}`),
        );
      }
    });
  });
}
