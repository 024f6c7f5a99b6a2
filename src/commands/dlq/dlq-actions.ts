import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection } from '@nats-io/transport-node';
import {
  DeadLetterNotFoundError,
  DeadLetterStore,
  hasDeadLetterCriteria,
  replayDeadLetters,
} from '@jetbus/core';
import { type CommandIo, print } from '../cli-io';
import { connectForCommand } from '../connection.options';
import {
  type DlqCommandOptions,
  type DlqListOptions,
  type DlqPurgeOptions,
  type DlqReplayOptions,
  parseDlqSeq,
  parseFilterOptions,
  parseRate,
} from './dlq-command.options';
import { entryView, formatEntries, formatEntry, formatReport, reportView } from './format-dead-letters';

/** Connects, hands a store over the DLQ stream to `fn`, and always closes the connection. */
async function withStore<T>(
  options: DlqCommandOptions,
  fn: (store: DeadLetterStore, nc: NatsConnection) => Promise<T>,
): Promise<T> {
  const nc = await connectForCommand(options);
  try {
    const store = new DeadLetterStore(await jetstreamManager(nc), { stream: options.stream });
    return await fn(store, nc);
  } finally {
    await nc.close();
  }
}

/** `jetbus dlq ls`. */
export async function lsAction(options: DlqListOptions, io: CommandIo): Promise<void> {
  const filter = parseFilterOptions(options);
  await withStore(options, async (store) => {
    const entries = await store.list(filter);
    print(
      io,
      !!options.json,
      entries.map((e) => entryView(e)),
      () => formatEntries(entries),
    );
  });
}

/** `jetbus dlq show <dlqSeq>`. */
export async function showAction(seq: string, options: DlqCommandOptions, io: CommandIo): Promise<void> {
  const dlqSeq = parseDlqSeq(seq);
  await withStore(options, async (store) => {
    const entry = await store.get(dlqSeq);
    if (!entry) throw new DeadLetterNotFoundError(store.stream, dlqSeq);
    print(io, !!options.json, entryView(entry, true), () => formatEntry(entry));
  });
}

/** `jetbus dlq replay [dlqSeq...]`: exit code 1 when any dead letter failed or Ctrl-C stopped it. */
export async function replayAction(ids: string[], options: DlqReplayOptions, io: CommandIo): Promise<void> {
  const filter = parseFilterOptions(options, ids);
  const ratePerSecond = parseRate(options.rate);
  if (!hasDeadLetterCriteria(filter) && !options.all) {
    throw new Error(
      'refusing to replay every dead letter: name DLQ sequences, give a filter ' +
        '(--subject, --consumer, --reason, --error, --since, --until), or pass --all',
    );
  }
  // Ctrl-C finishes the dead letter in flight (published and deleted) and reports; a re-run resumes.
  const abort = new AbortController();
  const interrupt = () => abort.abort();
  process.once('SIGINT', interrupt);
  try {
    await withStore(options, async (store, nc) => {
      const report = await replayDeadLetters(store, jetstream(nc), filter, {
        ratePerSecond,
        dryRun: !!options.dryRun,
        signal: abort.signal,
      });
      print(io, !!options.json, reportView(report), () => formatReport(report));
      if (report.failed.length || report.aborted) io.setExitCode(1);
    });
  } finally {
    process.removeListener('SIGINT', interrupt);
  }
}

/** `jetbus dlq rm <dlqSeq...>`: deletes those found; exit code 1 when any was not there. */
export async function rmAction(ids: string[], options: DlqCommandOptions, io: CommandIo): Promise<void> {
  const seqs = ids.map((id) => parseDlqSeq(id));
  await withStore(options, async (store) => {
    const deleted: number[] = [];
    const notFound: number[] = [];
    for (const seq of seqs) ((await store.delete(seq)) ? deleted : notFound).push(seq);
    print(io, !!options.json, { stream: store.stream, deleted, notFound }, () => [
      `deleted ${deleted.length} dead letter${deleted.length === 1 ? '' : 's'} from ${store.stream}` +
        (deleted.length ? `: ${deleted.join(', ')}` : ''),
    ]);
    if (notFound.length) {
      if (!options.json) io.stderr(`error: not in ${store.stream}: ${notFound.join(', ')}\n`);
      io.setExitCode(1);
    }
  });
}

/** `jetbus dlq purge [filters] --yes`: without `--yes` only says how many it would delete. */
export async function purgeAction(options: DlqPurgeOptions, io: CommandIo): Promise<void> {
  const filter = parseFilterOptions(options);
  await withStore(options, async (store) => {
    if (!options.yes) {
      const count =
        hasDeadLetterCriteria(filter) || filter.limit
          ? (await store.list(filter)).length
          : (await store.info()).state.messages;
      throw new Error(
        `refusing to purge without --yes: it would delete ${count} dead letter${count === 1 ? '' : 's'} from ${store.stream}`,
      );
    }
    const purged = await store.purge(filter);
    print(io, !!options.json, { stream: store.stream, purged }, () => [
      `purged ${purged} dead letter${purged === 1 ? '' : 's'} from ${store.stream}`,
    ]);
  });
}
