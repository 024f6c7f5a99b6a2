import { AckPolicy, DeliverPolicy, type JetStreamManager, type StreamState } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';

/** Long enough for the two requests below; the server drops the consumer by itself after it. */
const PROBE_INACTIVE_MS = 10_000;

/**
 * The sequence of the first message stored at or after `since` (matching `filter`), or null when
 * there is none. nats-server finds it itself when a consumer starts `by_start_time` (a binary
 * search of its store): the probe consumer is created, its starting point read from its info
 * (`delivered.stream_seq` is the sequence before it, `num_pending` what lies after) and deleted,
 * without a single message delivered. Direct get `start_time` would do it in one request, but
 * only from nats-server 2.11.
 */
export async function startSequenceAt(
  jsm: JetStreamManager,
  stream: string,
  state: StreamState,
  since: Date,
  filter: string | undefined,
): Promise<number | null> {
  // Stored times have nanoseconds, `since` milliseconds: past the last one's millisecond is past it.
  // nats-server 2.9 starts a consumer whose start time is past the end at the first message, so
  // this case is answered here, not by the probe.
  if (state.messages === 0 || since.getTime() > Date.parse(state.last_ts)) return null;
  if (!filter && since.getTime() <= Date.parse(state.first_ts)) return state.first_seq;
  const probe = await jsm.consumers.add(stream, {
    ack_policy: AckPolicy.None,
    deliver_policy: DeliverPolicy.StartTime,
    opt_start_time: since.toISOString(),
    ...(filter ? { filter_subject: filter } : {}),
    mem_storage: true,
    num_replicas: 1,
    inactive_threshold: nanos(PROBE_INACTIVE_MS),
  });
  // Best effort: the inactive threshold removes it anyway if this delete is lost.
  await jsm.consumers.delete(stream, probe.name).catch(() => undefined);
  return probe.num_pending > 0 ? probe.delivered.stream_seq + 1 : null;
}
