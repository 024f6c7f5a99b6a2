import type { Command } from 'commander';
import { jetstreamManager, type StreamInfo } from '@nats-io/jetstream';
import { type CommandIo, fail, print, processIo } from '../cli-io';
import { type ServerCommandOptions, addConnectionOptions, connectForCommand } from '../connection.options';
import { formatTable } from '../format-table';

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

/** `jetbus streams ls|info`. */
export function registerStreamCommands(program: Command, io: CommandIo = processIo): Command {
  const streams = program.command('streams').description('inspect JetStream streams');
  const withServer = (c: Command) => addConnectionOptions(c).option('--json', 'machine-readable output');

  withServer(streams.command('ls').description('list streams with message counts')).action(
    async (options: ServerCommandOptions) => {
      try {
        const nc = await connectForCommand(options);
        try {
          const jsm = await jetstreamManager(nc);
          const rows: ReturnType<typeof summary>[] = [];
          for await (const s of jsm.streams.list()) rows.push(summary(s));
          rows.sort((a, b) => a.name.localeCompare(b.name));
          print(io, !!options.json, rows, () =>
            formatTable(
              ['STREAM', 'SUBJECTS', 'RETENTION', 'MESSAGES', 'BYTES', 'CONSUMERS'],
              rows.map((r) => [r.name, r.subjects.join(','), r.retention, r.messages, r.bytes, r.consumers]),
            ),
          );
        } finally {
          await nc.close();
        }
      } catch (e) {
        fail(io, !!options.json, e);
      }
    },
  );

  withServer(
    streams.command('info').argument('<stream>').description('config, state and consumers of a stream'),
  ).action(async (name: string, options: ServerCommandOptions) => {
    try {
      const nc = await connectForCommand(options);
      try {
        const jsm = await jetstreamManager(nc);
        const info = await jsm.streams.info(name);
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
      } finally {
        await nc.close();
      }
    } catch (e) {
      fail(io, !!options.json, e);
    }
  });
  return streams;
}
