import { type JetStreamManager } from '@nats-io/jetstream';
import {
  type MaxDeliveriesAdvisory,
  maxDeliveriesAdvisorySubject,
} from '../dead-letter/max-deliveries.reaper';
import { isStreamNotFound } from '../connection/jetstream-api-errors';
import { nextMessage } from './next-message';

/**
 * The stream sequences the server gave up on (`max_deliver` reached), per consumer, read from the
 * stream that captures `MAX_DELIVERIES` advisories. Such a message is never acked, yet the ack floor
 * moves past it as soon as nothing else is pending (nats-server 2.9.10), so below the floor it
 * looks exactly like a stranded one. Only the advisory tells them apart.
 *
 * `refresh()` reads the advisories stored since the last call, so a re-check before a delete costs
 * one request when nothing new arrived. Advisories older than the advisory stream's `max_age` are
 * gone; by then the reaper, which reads the same stream, has long dead-lettered and deleted the job.
 */
export class MaxDeliveredLedger {
  private readonly seqs = new Map<string, Set<number>>();
  private cursor = 1;
  private missing = false;

  constructor(
    private readonly jsm: JetStreamManager,
    private readonly advisoryStream: string,
    private readonly stream: string,
  ) {}

  /** False when the advisory stream does not exist: then nothing can be ruled out. */
  get available(): boolean {
    return !this.missing;
  }

  has(consumer: string, seq: number): boolean {
    return this.seqs.get(consumer)?.has(seq) ?? false;
  }

  async refresh(): Promise<void> {
    if (this.missing) return;
    const subject = maxDeliveriesAdvisorySubject(this.stream);
    try {
      for (;;) {
        const m = await nextMessage(this.jsm, this.advisoryStream, this.cursor, subject);
        if (!m) return;
        this.cursor = m.seq + 1;
        let advisory: Partial<MaxDeliveriesAdvisory>;
        try {
          advisory = m.json<Partial<MaxDeliveriesAdvisory>>();
        } catch {
          continue; // not an advisory; nothing to learn from it
        }
        if (advisory.stream !== this.stream || typeof advisory.consumer !== 'string') continue;
        if (!Number.isSafeInteger(advisory.stream_seq)) continue;
        let set = this.seqs.get(advisory.consumer);
        if (!set) this.seqs.set(advisory.consumer, (set = new Set()));
        set.add(advisory.stream_seq as number);
      }
    } catch (e) {
      if (!isStreamNotFound(e)) throw e;
      this.missing = true;
    }
  }
}
