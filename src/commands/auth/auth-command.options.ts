import { DEFAULT_AUTH_DIR } from '@jetbus/auth';

/** Policy file the auth commands read unless `--policy` says otherwise. */
export const DEFAULT_POLICY_FILE = 'jetbus-auth.yaml';
/** Auth directory (keys, jwt, creds, server-auth.conf) unless `--dir` says otherwise. */
export { DEFAULT_AUTH_DIR };
/** Connect and request timeout against `--server`, in milliseconds. */
export const DEFAULT_SERVER_TIMEOUT_MS = 5_000;

/** Options every auth command takes. */
export interface AuthCommonOptions {
  /** @default 'jetbus-auth.yaml' */
  policy: string;
  /** @default '.jetbus/auth' */
  dir: string;
  /** Machine-readable output on stdout. @default false */
  json: boolean;
}

/** Options of the commands that may talk to a running server. */
export interface AuthServerOptions extends AuthCommonOptions {
  /** Server URL; without it nothing is pushed and changes are computed against the previous compile. */
  server?: string;
  /** System account creds. @default `<dir>/creds/SYS/sys.creds` */
  creds?: string;
  /** @default 5000 */
  timeout: number;
  /** Full resolver directory written into server-auth.conf. @default `<dir>/resolver` */
  resolverDir?: string;
}

export interface AuthInitOptions extends AuthCommonOptions {
  /** Overwrite an existing policy file. @default false */
  force: boolean;
  resolverDir?: string;
}

export interface AuthAddUserOptions extends AuthServerOptions {
  role: string[];
  inboxPrefix?: string;
  /** ISO 8601. */
  expires?: string;
  allowCidr: string[];
}

export interface AuthRevokeOptions extends AuthServerOptions {
  /** Keep the user in the policy and issue it a new key and creds instead of removing it. @default false */
  rotate: boolean;
}
