/**
 * The longest delay jetbus asks of a `nak`: one year, beyond any backoff or wait jetbus computes.
 * nats-server reads the delay as int64 nanoseconds, and one that does not fit (a `Jetbus-Deliver-At`
 * in the year 9999 is 2.5e14 ms, 2.5e20 ns) makes the nak a plain one: the message comes back at
 * once, and again, in a loop (6,300 deliveries in 1.5 s on nats-server 2.9.10). A job due later
 * than this comes back after a year and is nak-ed again.
 */
export const NAK_DELAY_MAX_MS = 365 * 24 * 3_600_000;

/** `ms` as a delay the server takes: a whole number of ms from 0 to `NAK_DELAY_MAX_MS`. */
export function nakDelay(ms: number): number {
  if (Number.isNaN(ms) || ms <= 0) return 0;
  return Math.min(NAK_DELAY_MAX_MS, Math.ceil(ms));
}
