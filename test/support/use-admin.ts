import { randomBytes } from 'node:crypto';
import { type AdminOptions, type AdminRole, type AdminServer, startAdmin, tokenDigest } from '@jetbus/admin';
import { type NatsFixture, type NatsFixtureOptions, natsFixture } from './use-jetbus';
import { captureLogs, type CapturedLogs } from './jetbus-app';

/** A response as the tests read it: status, parsed JSON body (or text) and headers. */
export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

/** HTTP calls to the admin app as one caller. */
export interface ApiClient {
  get<T = unknown>(path: string): Promise<ApiResponse<T>>;
  post<T = unknown>(path: string, body?: unknown): Promise<ApiResponse<T>>;
  put<T = unknown>(path: string, body?: unknown): Promise<ApiResponse<T>>;
  patch<T = unknown>(path: string, body?: unknown): Promise<ApiResponse<T>>;
  delete<T = unknown>(path: string, body?: unknown): Promise<ApiResponse<T>>;
}

export interface AdminFixture extends NatsFixture {
  /** The running admin app (port chosen by the OS, loopback). */
  readonly admin: AdminServer;
  readonly url: string;
  /** Log records of the app. */
  readonly logs: CapturedLogs;
  /** A client that authenticates with the API token of `role` (no cookies, so no CSRF token). */
  api(role: AdminRole): ApiClient;
  /** A client with no credentials at all. */
  readonly anonymous: ApiClient;
  /** The raw API token of `role`. */
  token(role: AdminRole): string;
}

/** Calls `url + path` with `headers`, JSON in and out. */
export async function call<T>(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<ApiResponse<T>> {
  const res = await fetch(url + path, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    redirect: 'manual',
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: the body stays text
  }
  return { status: res.status, body: parsed as T, text, headers: res.headers };
}

export function apiClient(url: string, headers: () => Record<string, string>): ApiClient {
  const send =
    (method: string) =>
    <T>(path: string, body?: unknown): Promise<ApiResponse<T>> =>
      call<T>(url, method, path, headers(), body);
  return {
    get: send('GET'),
    post: send('POST'),
    put: send('PUT'),
    patch: send('PATCH'),
    delete: send('DELETE'),
  };
}

const ROLES: AdminRole[] = ['viewer', 'operator', 'admin'];

/**
 * A nats-server and the admin app on it for one `describe`: one API token per role (`api(role)`),
 * logs captured; `options` are merged over the defaults (users, oidc, ...).
 */
export function useAdmin(options: Partial<AdminOptions> = {}, extras: NatsFixtureOptions = {}): AdminFixture {
  let admin: AdminServer | undefined;
  // The app closes before the server stops (natsFixture runs this first in its afterAll).
  const nats = natsFixture(extras, async () => {
    await admin?.close();
  });
  const logs = captureLogs();
  const tokens = new Map(ROLES.map((role) => [role, `jbt_${role}_${randomBytes(24).toString('base64url')}`]));
  beforeAll(async () => {
    admin = await startAdmin({
      port: 0,
      logger: logs.logger,
      ...options,
      nats: { servers: nats.server.url, ...options.nats },
      tokens: [
        ...ROLES.map((role) => ({
          name: `${role}-token`,
          role,
          sha256: tokenDigest(tokens.get(role) ?? ''),
        })),
        ...(options.tokens ?? []),
      ],
    });
  });
  const ready = (): AdminServer => {
    if (!admin) throw new Error('the admin app is used before beforeAll ran (or after it failed)');
    return admin;
  };
  return {
    get server() {
      return nats.server;
    },
    get nc() {
      return nats.nc;
    },
    get jsm() {
      return nats.jsm;
    },
    get js() {
      return nats.js;
    },
    get admin() {
      return ready();
    },
    get url() {
      return ready().url;
    },
    logs,
    api: (role) => apiClient(ready().url, () => ({ authorization: `Bearer ${tokens.get(role) ?? ''}` })),
    get anonymous() {
      return apiClient(ready().url, () => ({}));
    },
    token: (role) => tokens.get(role) ?? '',
  };
}
