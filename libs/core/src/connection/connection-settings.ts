import { type Authenticator } from '@nats-io/transport-node';

/** TLS files or PEM strings (`JetbusModule`'s `tls` option). */
export interface TlsSettings {
  caFile?: string;
  /** Client certificate for mutual TLS. */
  certFile?: string;
  keyFile?: string;
  ca?: string;
  cert?: string;
  key?: string;
}

/**
 * What opening a connection needs, already resolved and validated (the module's options are a
 * superset). Declared here, not in `module/`, so the connection layer never depends on the
 * composition root.
 */
export interface ConnectionSettings {
  servers: string[];
  name: string;
  credsFile: string | undefined;
  authenticator: Authenticator | undefined;
  tls: TlsSettings | undefined;
  inboxPrefix: string | undefined;
  connectTimeoutMs: number;
  maxReconnectAttempts: number;
  reconnectTimeWaitMs: number;
}
