import { type ServerCommandOptions } from '../connection.options';
import { UsageError } from '../usage.error';

/** `jetbus admin [start]`: the connection options plus where the app listens and how people sign in. */
export interface AdminStartCommandOptions extends ServerCommandOptions {
  /** YAML or JSON file in the shape of `AdminOptions` (@jetbus/admin). */
  config?: string;
  /** @default the config's `host`, else 127.0.0.1 */
  host?: string;
  /** @default the config's `port`, else 4280 */
  port?: number;
  /** Without users, tokens or OIDC configured: create a one-time admin login for this run. */
  dev?: boolean;
}

/** `--port`: 0 (any free port) to 65535. */
export function parsePortOption(value: string): number {
  const n = /^\d{1,5}$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!(n >= 0 && n <= 65_535))
    throw new UsageError(`--port must be a number from 0 to 65535, got "${value}"`);
  return n;
}

/** `--host`: an interface name or address, no scheme, no port. */
export function parseHostOption(value: string): string {
  if (!/^[A-Za-z0-9.:_-]{1,255}$/.test(value) || value.includes('//')) {
    throw new UsageError(`--host must be an interface address such as 127.0.0.1 or ::1, got "${value}"`);
  }
  return value;
}
