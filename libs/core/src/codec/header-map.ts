import { type MsgHdrs } from '@nats-io/transport-node';

/**
 * Headers as a plain object, each name with all its values in order. Every name becomes an own
 * property, `__proto__` included: assigned with `map[name] = values`, a header a raw client named
 * `__proto__` set the object's prototype instead and vanished from the map (from `ctx.headers`, from
 * a dead letter's headers and so from its replay, from a scheduled job's listing).
 */
export function headerMap(headers: MsgHdrs | undefined): Record<string, string[]> {
  const map: Record<string, string[]> = {};
  for (const [name, values] of headers ?? []) setHeader(map, name, [...values]);
  return map;
}

/** `map[name] = values` as an own, enumerable property whatever the name (see `headerMap`). */
export function setHeader(map: Record<string, string[]>, name: string, values: string[]): void {
  Object.defineProperty(map, name, { value: values, enumerable: true, writable: true, configurable: true });
}
