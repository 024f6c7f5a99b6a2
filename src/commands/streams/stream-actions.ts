import { type JetStreamManager, type StreamInfo, jetstreamManager } from '@nats-io/jetstream';
import { StreamNotFoundError } from '@jetbus/core/ops';
import { type CommandIo, print } from '../cli-io';
import { type ServerCommandOptions } from '../connection.options';
import { formatTable } from '../format-table';
import { parseStreamName } from '../parse-stream-name';
import { withCommandConnection } from '../with-command-connection';

/** JetStream API error code for "stream not found". */
const STREAM_NOT_FOUND = 10059;

const summary = (s: StreamInfo) => ({
  name: s.config.name,
  subjects: s.config.subjects ?? [],
  retention: s.config.retention,
  storage: s.config.storage,
  replicas: s.config.num_replicas,
  messages: s.state.messages,
  bytes: s.state.bytes,
  consumers: s.state.consumer_count,
  firstSeq: s.state.first_seq,
  lastSeq: s.state.last_seq,
});

/** `jetbus streams ls`. */
export async function lsAction(options: ServerCommandOptions, io: CommandIo): Promise<void> {
  await withCommandConnection(options, async (nc) => {
    const jsm = await jetstreamManager(nc, { timeout: options.timeout });
    const rows: ReturnType<typeof summary>[] = [];
    for await (const s of jsm.streams.list()) rows.push(summary(s));
    rows.sort((a, b) => a.name.localeCompare(b.name));
    print(io, !!options.json, rows, () =>
      formatTable(
        ['STREAM', 'SUBJECTS', 'RETENTION', 'MESSAGES', 'BYTES', 'CONSUMERS'],
        rows.map((r) => [r.name, r.subjects.join(','), r.retention, r.messages, r.bytes, r.consumers]),
      ),
    );
  });
}

/** `jetbus streams info <stream>`: `StreamNotFoundError` naming it when there is none. */
export async function infoAction(
  stream: string,
  options: ServerCommandOptions,
  io: CommandIo,
): Promise<void> {
  const name = parseStreamName(stream, 'stream');
  await withCommandConnection(options, async (nc) => {
    const jsm = await jetstreamManager(nc, { timeout: options.timeout });
    const info = await streamInfo(jsm, name);
    const consumers: {
      name: string;
      filter: string;
      pending: number;
      ackPending: number;
      redelivered: number;
      maxDeliver: number | undefined;
    }[] = [];
    for await (const c of jsm.consumers.list(name)) {
      consumers.push({
        name: c.name,
        filter: c.config.filter_subject ?? '',
        pending: c.num_pending,
        ackPending: c.num_ack_pending,
        redelivered: c.num_redelivered,
        maxDeliver: c.config.max_deliver,
      });
    }
    print(io, !!options.json, { ...summary(info), config: info.config, consumers }, () => [
      ...formatTable(
        ['FIELD', 'VALUE'],
        Object.entries(summary(info)).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)]),
      ),
      '',
      ...formatTable(
        ['CONSUMER', 'FILTER', 'PENDING', 'ACK PENDING', 'REDELIVERED', 'MAX DELIVER'],
        consumers.map((c) => [c.name, c.filter, c.pending, c.ackPending, c.redelivered, c.maxDeliver]),
      ),
    ]);
  });
}

async function streamInfo(jsm: JetStreamManager, name: string): Promise<StreamInfo> {
  try {
    return await jsm.streams.info(name);
  } catch (e) {
    if ((e as { code?: unknown }).code === STREAM_NOT_FOUND)
      throw new StreamNotFoundError(name, { cause: e });
    throw e;
  }
}
