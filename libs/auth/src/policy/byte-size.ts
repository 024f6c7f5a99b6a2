const UNITS: Record<string, number> = {
  '': 1,
  B: 1,
  K: 1024,
  KB: 1000,
  KIB: 1024,
  M: 1024 ** 2,
  MB: 1000 ** 2,
  MIB: 1024 ** 2,
  G: 1024 ** 3,
  GB: 1000 ** 3,
  GIB: 1024 ** 3,
  T: 1024 ** 4,
  TB: 1000 ** 4,
  TIB: 1024 ** 4,
};

/**
 * Parses `"512MiB"`, `"1G"` (binary, like nats-server's config), `"10MB"` (decimal) or a plain
 * number of bytes. Returns undefined when the text is not a size.
 */
export function parseByteSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*$/.exec(text);
  if (!m) return undefined;
  const unit = UNITS[m[2].toUpperCase()];
  if (unit === undefined) return undefined;
  const value = Number(m[1]) * unit;
  return Number.isSafeInteger(Math.round(value)) ? Math.round(value) : undefined;
}
