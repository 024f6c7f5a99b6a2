import { type ConsumerConfig } from '@nats-io/jetstream';

/** One setting whose live value differs from what a worker declares. */
export interface ConsumerDriftField {
  field: string;
  declared: unknown;
  actual: unknown;
}

/** Equal as JSON values (arrays in order, objects by key): configs come from JSON on both sides. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return (
    ka.length === kb.length &&
    ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

/**
 * The settings where `actual` differs from each declaration, one entry per (field, declared value):
 * two workers declaring the same value count once, two declaring different values both show.
 * Only fields a declaration names are compared: the server fills in many a worker never sets.
 */
export function consumerDrift(
  declarations: readonly Record<string, unknown>[],
  actual: ConsumerConfig,
): ConsumerDriftField[] {
  const live = actual as unknown as Record<string, unknown>;
  const drift: ConsumerDriftField[] = [];
  for (const declared of declarations) {
    for (const [field, value] of Object.entries(declared)) {
      if (sameValue(value, live[field])) continue;
      if (drift.some((d) => d.field === field && sameValue(d.declared, value))) continue;
      drift.push({ field, declared: value, actual: live[field] ?? null });
    }
  }
  return drift.sort((a, b) => a.field.localeCompare(b.field));
}
