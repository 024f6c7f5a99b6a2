import { type JetStreamManager } from '@nats-io/jetstream';
import { listWorkers } from '@jetbus/core';

/**
 * What the live workers declare for each consumer: `stream/durable` → the `consumer` configs of
 * the handler entries in their heartbeats (core's `listWorkers`, which checks every value: anyone
 * allowed to write the bucket can write anything). A consumer missing from the map is one no worker
 * describes: its drift is unknown, not none.
 */
export async function declaredConsumers(
  jsm: JetStreamManager,
): Promise<Map<string, Record<string, unknown>[]>> {
  const declared = new Map<string, Record<string, unknown>[]>();
  for (const worker of await listWorkers(jsm)) {
    for (const { stream, durable, consumer } of worker.handlers) {
      if (!consumer) continue;
      const key = `${stream}/${durable}`;
      declared.set(key, [...(declared.get(key) ?? []), consumer]);
    }
  }
  return declared;
}
