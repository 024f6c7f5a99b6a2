import { type PubAck } from '@nats-io/jetstream';
import { PublishTimeoutError } from '../errors';
import { UNIQUE_KEY_HEADER, UNIQUE_REVISION_HEADER } from '../wire/job-control-names';
import { type UniqueKeys } from './unique-keys';
import { type ResolvedUnique } from './unique-options';

/** What a publish with `unique` adds to its PubAck. */
export interface UniqueOutcome {
  key: string;
  /** True when this publish took the key and stored the job; false when another job held it. */
  acquired: boolean;
  /** When the key stops holding (the holder's, when refused), by this process's clock. */
  heldUntil?: Date;
}

/**
 * The result of a publish refused because the key was held: nothing was stored, so `stream` is
 * `''` and `seq` 0, and `duplicate` is true, as for a JetStream duplicate.
 */
export type UniquePubAck<A extends PubAck = PubAck> = A & { unique: UniqueOutcome };

/**
 * Publishes once the key is acquired, with the key (and, for `until: 'completed'`, the acquired
 * revision) in the job's headers; refuses without publishing while another job holds the key. A
 * publish that fails after the acquire frees the key before rethrowing, unless its PubAck timed out.
 */
export async function publishUnique<A extends PubAck>(
  keys: UniqueKeys,
  unique: ResolvedUnique,
  headers: Record<string, string | string[]>,
  publish: (headers: Record<string, string | string[]>) => Promise<A>,
): Promise<UniquePubAck<A> | UniquePubAck> {
  const acquired = await keys.acquire(unique);
  if (!acquired.acquired) {
    const refused: UniquePubAck = {
      stream: '',
      seq: 0,
      duplicate: true,
      unique: { key: unique.key, acquired: false, heldUntil: acquired.heldUntil },
    };
    return refused;
  }
  const h = { ...headers, [UNIQUE_KEY_HEADER]: unique.key } as Record<string, string | string[]>;
  if (unique.until === 'completed') h[UNIQUE_REVISION_HEADER] = String(acquired.revision);
  let ack: A;
  try {
    ack = await publish(h);
  } catch (e) {
    // A timed-out PubAck may still have been stored: keep the key (it holds until `for` ends)
    // rather than let a second job in. Any other failure stored nothing: free it.
    if (!(e instanceof PublishTimeoutError))
      await keys.release(unique.key, acquired.revision).catch(() => undefined);
    throw e;
  }
  return { ...ack, unique: { key: unique.key, acquired: true } };
}
