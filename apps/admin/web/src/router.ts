import { useEffect, useMemo, useState } from 'preact/hooks';

/** The route: the URL hash's path segments (decoded) and its query, `#/streams/ORDERS?x=1`. */
export interface Route {
  path: string[];
  params: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const [pathPart = '', queryPart = ''] = raw.split('?', 2);
  const path = pathPart
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
  return { path, params: new URLSearchParams(queryPart) };
}

/** `#/a/b` with every segment encoded, so a stream called `a/b` stays one segment. */
export const href = (...segments: (string | number)[]): string =>
  `#/${segments.map((s) => encodeURIComponent(String(s))).join('/')}`;

export const navigate = (to: string): void => {
  window.location.hash = to;
};

/**
 * The current route, updated on every hash change. Preact runs effects after the next paint, so a
 * hash change between the first render and the listener's subscription would otherwise be missed
 * (the page stays on the old route): the effect reads the hash again once it listens.
 */
export function useRoute(): Route {
  const [hash, setHash] = useState(() => window.location.hash);
  useEffect(() => {
    const onChange = () => setHash(window.location.hash);
    window.addEventListener('hashchange', onChange);
    onChange();
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return useMemo(() => parseHash(hash), [hash]);
}
