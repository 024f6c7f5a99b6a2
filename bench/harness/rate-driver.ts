/** How often the open-loop publisher wakes up; several jobs go out per tick at high rates. */
const TICK_MS = 1;

export interface OfferResult {
  sent: number;
  seconds: number;
}

/**
 * Publishes `total` jobs at a fixed offered rate, open loop: the schedule never waits for PubAcks
 * or handlers, so a slow consumer shows up as latency instead of silently lowering the load.
 * `publish(i)` must start the publish and return its promise; a rejection fails the run.
 */
export async function offerAtRate(
  rate: number,
  total: number,
  publish: (index: number) => Promise<unknown>,
): Promise<OfferResult> {
  const pending = new Set<Promise<unknown>>();
  let failure: unknown;
  const start = performance.now();
  let sent = 0;
  while (sent < total && failure === undefined) {
    const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
    while (sent < due) {
      const p: Promise<unknown> = publish(sent++).then(
        () => pending.delete(p),
        (e: unknown) => {
          failure ??= e;
          pending.delete(p);
        },
      );
      pending.add(p);
    }
    if (sent < total) await new Promise((r) => setTimeout(r, TICK_MS));
  }
  const seconds = (performance.now() - start) / 1000;
  await Promise.all(pending);
  if (failure !== undefined) throw failure;
  return { sent, seconds };
}
