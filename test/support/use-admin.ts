import { randomBytes } from 'node:crypto';
import {
  type AdminOptions,
  type AdminRole,
  type AdminServer,
  hashPassword,
  startAdmin,
  tokenDigest,
} from '@jetbus/admin';
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

/** A browser-like caller signed in with a password: it sends the session cookie and the CSRF token. */
export interface SessionClient extends ApiClient {
  /** The `jetbus.sid=...` pair it sends as `cookie`. */
  readonly cookie: string;
  readonly csrfToken: string;
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
  /** Signs in as the fixture user of `role` (user name = the role) with its password. */
  login(role: AdminRole): Promise<SessionClient>;
  /** The password of the fixture user named `role`. */
  password(role: AdminRole): string;
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

/** Fixture users: one per role, named after it, with this password. */
export const fixturePassword = (role: AdminRole): string => `${role} password, only for tests`;

/** scrypt is deliberately slow: the fixture users' hashes are made once per test file. */
let fixtureUsers: Promise<NonNullable<AdminOptions['users']>> | undefined;
const hashFixtureUsers = (): Promise<NonNullable<AdminOptions['users']>> =>
  (fixtureUsers ??= Promise.all(
    ROLES.map(async (role) => ({
      name: role,
      role,
      passwordHash: await hashPassword(fixturePassword(role)),
    })),
  ));

/** The `name=value` of the session cookie in a response's `set-cookie`, if it sets one. */
export function sessionCookie(headers: Headers): string | undefined {
  const line = headers.getSetCookie().find((c) => c.startsWith('jetbus.sid='));
  return line?.split(';')[0];
}

/** Signs in with `username`/`password`; throws with the answer when that fails. */
export async function loginClient(url: string, username: string, password: string): Promise<SessionClient> {
  const res = await call<{ csrfToken: string }>(url, 'POST', '/api/auth/login', {}, { username, password });
  const cookie = sessionCookie(res.headers);
  if (res.status !== 200 || !cookie) throw new Error(`login as ${username}: ${res.status} ${res.text}`);
  const csrfToken = res.body.csrfToken;
  return { ...apiClient(url, () => ({ cookie, 'x-csrf-token': csrfToken })), cookie, csrfToken };
}

/**
 * A nats-server and the admin app on it for one `describe`: one API token per role (`api(role)`),
 * one password user per role, named after it (`login(role)`), logs captured; `options` are merged
 * over the defaults (users, oidc, ...).
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
    const users = await hashFixtureUsers();
    admin = await startAdmin({
      port: 0,
      logger: logs.logger,
      // Suites sign in many times from 127.0.0.1; the limiter has its own test with its own limit.
      loginLimit: { max: 10_000, windowMs: 60_000 },
      ...options,
      users: [...users, ...(options.users ?? [])],
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
    login: (role) => loginClient(ready().url, role, fixturePassword(role)),
    password: fixturePassword,
  };
}
