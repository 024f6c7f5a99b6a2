const numberFormat = new Intl.NumberFormat('en-US');

export const fmtNumber = (n: number | null | undefined): string =>
  n === null || n === undefined ? '—' : numberFormat.format(n);

export function fmtBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

export function fmtDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = s / 60;
  const both = (a: number, unitA: string, b: number, unitB: string) =>
    b ? `${a} ${unitA} ${b} ${unitB}` : `${a} ${unitA}`;
  if (m < 60) return both(Math.floor(m), 'min', Math.floor(s % 60), 's');
  const h = m / 60;
  if (h < 48) return both(Math.floor(h), 'h', Math.floor(m % 60), 'min');
  return `${Math.floor(h / 24)} d`;
}

/** "3 min ago" for an ISO time; the exact time goes in the element's title. */
export function fmtAgo(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '—';
  const d = now - t;
  return d < 0 ? 'just now' : `${fmtDuration(d)} ago`;
}

/** Local time, to the second, sortable: 2026-11-30 07:12:03. */
export function fmtTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** A `datetime-local` input's value as an ISO string (the API wants ISO-8601), or undefined. */
export function localInputToIso(value: string): string | undefined {
  if (!value) return undefined;
  const t = new Date(value);
  return Number.isNaN(t.getTime()) ? undefined : t.toISOString();
}

/**
 * Control characters made visible as `\u00XX` (ESC, NUL, bidi overrides...), so a hostile subject
 * or header cannot hide text or fake a line; newlines and tabs are kept when `multiline`.
 */
export function visible(text: string, multiline = false): string {
  /* eslint-disable no-control-regex -- matching control characters is the point here */
  const pattern = multiline
    ? /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g
    : /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
  /* eslint-enable no-control-regex */
  return text.replace(pattern, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `1 message`, `3 messages`. */
export const plural = (n: number, noun: string): string => `${fmtNumber(n)} ${noun}${n === 1 ? '' : 's'}`;
