import { DEFAULT_AUTH_DIR } from '@jetbus/auth';

/** Policy file the auth commands read unless `--policy` says otherwise. */
export const DEFAULT_POLICY_FILE = 'jetbus-auth.yaml';
/** Auth directory (keys, jwt, creds, server-auth.conf) unless `--dir` says otherwise. */
export { DEFAULT_AUTH_DIR };
/** Connect timeout, then deadline of the work against `--server`, in milliseconds. */
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
  /**
   * Server URL(s); without one nothing is pushed and changes are computed against the previous
   * compile. @default $NATS_URL, else none (offline)
   */
  server?: string;
  /** System account creds. @default `<dir>/creds/SYS/sys.creds` */
  creds?: string;
  /** PEM CA bundle that signs the server's certificate. @default $NATS_TLS_CA */
  tlsCa?: string;
  /** PEM client certificate for mutual TLS. @default $NATS_TLS_CERT */
  tlsCert?: string;
  /** PEM key of `tlsCert`. @default $NATS_TLS_KEY */
  tlsKey?: string;
  /** Reply subject prefix of the system connection. @default none (`_INBOX`, which the system user may use) */
  inboxPrefix?: string;
  /** Connect timeout, then deadline of the work, in milliseconds. @default 5000 */
  timeout: number;
  /** Full resolver directory written into server-auth.conf. @default `<dir>/resolver` */
  resolverDir?: string;
  /** Compile only: `$NATS_URL` is ignored (the server option is cleared before the action). @default false */
  offline?: boolean;
}

export interface AuthInitOptions extends AuthCommonOptions {
  /** Overwrite an existing policy file. @default false */
  force: boolean;
  resolverDir?: string;
}

export interface AuthAddUserOptions extends AuthServerOptions {
  role: string[];
  /** The new user's inbox prefix (`--user-inbox-prefix`), written into the policy. */
  userInboxPrefix?: string;
  /** ISO 8601 time or a duration from now (`90m`, `12h`, `30d`, `2w`); must be in the future. */
  expires?: string;
  allowCidr: string[];
}

export interface AuthRevokeOptions extends AuthServerOptions {
  /** Keep the user in the policy and issue it a new key and creds instead of removing it. @default false */
  rotate: boolean;
}
