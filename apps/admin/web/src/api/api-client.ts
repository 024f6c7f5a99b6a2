/** A failed API call: the status and the server's `{statusCode, error, message, code?}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

let csrfToken = '';
let onUnauthorized: () => void = () => undefined;

/** The session's CSRF token, sent as `x-csrf-token` on every state-changing call. */
export const setCsrfToken = (token: string): void => {
  csrfToken = token;
};

/** What to do when any call answers 401 (the session expired or was never there): show the login. */
export const setUnauthorizedHandler = (handler: () => void): void => {
  onUnauthorized = handler;
};

/** The server's error message, whatever the body's shape (a string, a list from validation, none). */
function errorMessage(status: number, body: unknown): { message: string; code?: string } {
  if (body && typeof body === 'object' && 'message' in body) {
    const { message, code } = body as { message: unknown; code?: unknown };
    const text = Array.isArray(message) ? message.join('; ') : String(message);
    return typeof code === 'string' ? { message: text, code } : { message: text };
  }
  return { message: `HTTP ${status}` };
}

/**
 * Calls the admin API with the session cookie. `quiet401` is for the calls that ask whether anyone
 * is signed in (session, login): their 401 is an answer, not an expired session.
 */
export async function request<T>(
  method: Method,
  path: string,
  body?: unknown,
  { quiet401 = false }: { quiet401?: boolean } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (res.status === 401 && !quiet401) onUnauthorized();
  if (!res.ok) {
    const { message, code } = errorMessage(res.status, parsed);
    throw new ApiError(res.status, message, code);
  }
  return parsed as T;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, body ?? {}),
  delete: <T>(path: string) => request<T>('DELETE', path),
};

/** `?a=1&b=x` from the fields that are set (empty strings and undefined are left out). */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') q.set(key, String(value));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

export const seg = (value: string | number): string => encodeURIComponent(String(value));
