import { execFileSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { NATS_SERVER_BIN_ENV, NATS_SERVER_FALLBACK_BINARY } from './constants';
import { NatsServerNotFoundError } from './errors';

const resolved = new Map<string, string>();
const versions = new Map<string, string>();

/**
 * The absolute path of the nats-server binary: `binary` if given, else `$NATS_SERVER_BIN`, else
 * `nats-server` on PATH, else /usr/sbin/nats-server. Resolved once per input.
 * @throws NatsServerNotFoundError
 */
export function resolveNatsServerBinary(binary?: string): string {
  const envBinary = process.env[NATS_SERVER_BIN_ENV];
  const candidates = binary
    ? [binary]
    : envBinary
      ? [envBinary]
      : ['nats-server', NATS_SERVER_FALLBACK_BINARY];
  const key = candidates.join('\0');
  const cached = resolved.get(key);
  if (cached) return cached;
  for (const candidate of candidates) {
    const found = findExecutable(candidate);
    if (found) {
      resolved.set(key, found);
      return found;
    }
  }
  throw new NatsServerNotFoundError(
    candidates.map((c) => (c.includes('/') || c.includes('\\') ? c : `${c} on PATH`)),
  );
}

/** The version a binary reports with `--version`, e.g. '2.9.10' (cached per binary). */
export function natsServerVersion(binary: string): string {
  const cached = versions.get(binary);
  if (cached) return cached;
  const output = execFileSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  const match = /v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)/.exec(output);
  if (!match) throw new Error(`cannot parse the version of ${binary} from ${JSON.stringify(output.trim())}`);
  versions.set(binary, match[1]);
  return match[1];
}

function findExecutable(name: string): string | undefined {
  if (isAbsolute(name) || name.includes('/') || name.includes('\\')) {
    const path = resolve(name);
    return isExecutableFile(path) ? path : undefined;
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const path = join(dir, name);
    if (isExecutableFile(path)) return path;
  }
  return undefined;
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
