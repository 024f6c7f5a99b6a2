import { type StreamInfo } from '@nats-io/jetstream';
import { type StreamSummaryDto } from './dto/stream-summary.dto';

/** Which of the app's own streams a stream is. */
export interface StreamRoles {
  deadLetterStream: string;
  auditStream: string;
}

/** An empty stream reports Go's zero time (`0001-01-01T00:00:00Z`); the API says null instead. */
function timeOrNull(ts: string, messages: number): string | null {
  if (messages === 0 || !ts || ts.startsWith('0001-')) return null;
  const ms = Date.parse(ts);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

export function toStreamSummary(info: StreamInfo, roles: StreamRoles): StreamSummaryDto {
  const { config, state } = info;
  return {
    name: config.name,
    subjects: config.subjects ?? [],
    retention: config.retention,
    storage: config.storage,
    replicas: config.num_replicas,
    messages: state.messages,
    bytes: state.bytes,
    firstSeq: state.first_seq,
    lastSeq: state.last_seq,
    firstTime: timeOrNull(state.first_ts, state.messages),
    lastTime: timeOrNull(state.last_ts, state.messages),
    consumers: state.consumer_count,
    created: new Date(Date.parse(info.created)).toISOString(),
    deadLetter: config.name === roles.deadLetterStream,
    audit: config.name === roles.auditStream,
  };
}
