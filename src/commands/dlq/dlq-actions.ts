import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection } from '@nats-io/transport-node';
import {
  DeadLetterNotFoundError,
  DeadLetterStore,
  fileKeyProvider,
  hasDeadLetterCriteria,
  replayDeadLetters,
  revealPayload,
} from '@jetbus/core/ops';
import { type CommandIo, print } from '../cli-io';
import { type Deadline } from '../command-deadline';
import { parseStreamName } from '../parse-stream-name';
import { UsageError } from '../usage.error';
import { credsUser } from '../read-connection-files';
import { withCommandConnection } from '../with-command-connection';
import {
  type DlqCommandOptions,
  type DlqListOptions,
  type DlqPurgeOptions,
  type DlqReplayOptions,
  type DlqShowOptions,
  parseDlqSeq,
  parseFilterOptions,
  parseRate,
} from './dlq-command.options';
import { entryView, formatEntries, formatEntry, formatReport, reportView } from './format-dead-letters';
import { confirmReplay } from './confirm-replay';

/**
 * Connects, hands a store over the DLQ stream to `fn`, and always closes the connection; the whole
 * command is bounded by `--timeout` (see `withCommandConnection`).
 */
async function withStore<T>(
  options: DlqCommandOptions,
  fn: (store: DeadLetterStore, nc: NatsConnection, deadline: Deadline) => Promise<T>,
): Promise<T> {
  const stream = parseStreamName(options.stream, '--stream');
  return withCommandConnection(options, async (nc, deadline) => {
    const jsm = await jetstreamManager(nc, { timeout: options.timeout });
    return fn(new DeadLetterStore(jsm, { stream }), nc, deadline);
  });
}

/** `jetbus dlq ls`. */
export async function lsAction(options: DlqListOptions, io: CommandIo): Promise<void> {
  const filter = parseFilterOptions(options);
  await withStore(options, async (store, _nc, deadline) => {
    const entries = await collect(store.entries(filter), deadline, options.timeout);
    print(
      io,
      !!options.json,
      entries.map((e) => entryView(e)),
      () => formatEntries(entries),
    );
  });
}

/** `jetbus dlq show <dlqSeq>`. */
export async function showAction(seq: string, options: DlqShowOptions, io: CommandIo): Promise<void> {
  const dlqSeq = parseDlqSeq(seq);
  const keys = options.keys === undefined ? undefined : fileKeyProvider(options.keys);
  await withStore(options, async (store) => {
    const stored = await store.get(dlqSeq);
    if (!stored) throw new DeadLetterNotFoundError(store.stream, dlqSeq);
    // An encrypted payload is shown as ciphertext unless --keys holds its key; the view says which.
    const subject = stored.kind === 'malformed' ? '' : stored.subject;
    const { data, encryption } = await revealPayload(subject, stored.headers, stored.data, keys);
    const entry = { ...stored, data };
    const view = { ...entryView(entry, true), ...(encryption ? { encryption } : {}) };
    print(io, !!options.json, view, () => formatEntry(entry, encryption?.note));
  });
}

/**
 * `jetbus dlq replay [dlqSeq...]`. A replay of more than `REPLAY_CONFIRM_THRESHOLD` dead letters
 * shows its plan (a dry run) and asks first, unless `--yes`; it then replays exactly the planned
 * entries. Exit code 1 when any selected dead letter was not replayed (failed, skipped, not found)
 * or Ctrl-C stopped it.
 */
export async function replayAction(ids: string[], options: DlqReplayOptions, io: CommandIo): Promise<void> {
  let filter = parseFilterOptions(options, ids);
  const ratePerSecond = parseRate(options.rate);
  if (!hasDeadLetterCriteria(filter) && !options.all) {
    throw new UsageError(
      'refusing to replay every dead letter: name DLQ sequences, give a filter ' +
        '(--subject, --consumer, --reason, --error, --since, --until), or pass --all',
    );
  }
  // Ctrl-C finishes the dead letter in flight (published and deleted) and reports; a re-run resumes.
  const abort = new AbortController();
  const interrupt = () => abort.abort();
  process.once('SIGINT', interrupt);
  try {
    await withStore(options, async (store, nc, deadline) => {
      // Each dead letter handled is progress: the deadline covers one step (and the pause the rate
      // puts before it), not the whole replay.
      const onProgress = () => deadline.extend(options.timeout + 1000 / ratePerSecond);
      const js = jetstream(nc, { timeout: options.timeout });
      // Connected: the creds file was read and is valid. A refused publish names its user.
      const user = await credsUser(options.creds);
      if (!options.dryRun && !options.yes) {
        const plan = await replayDeadLetters(store, js, filter, { dryRun: true, ratePerSecond, onProgress });
        const decision = await confirmReplay(plan, io, deadline);
        if (decision === 'declined') {
          io.stderr('replay cancelled: nothing was published or deleted\n');
          io.setExitCode(1);
          return;
        }
        // What was shown is what is replayed: entries that arrived since are left for the next run.
        if (decision !== 'not-needed') filter = { ...filter, ids: decision };
        deadline.extend(options.timeout);
      }
      const report = await replayDeadLetters(store, js, filter, {
        ratePerSecond,
        dryRun: !!options.dryRun,
        signal: abort.signal,
        onProgress,
        user,
        maxPayload: nc.info?.max_payload,
      });
      print(io, !!options.json, reportView(report), () => formatReport(report));
      const kept = report.failed.length + report.skipped.length;
      if (kept || report.aborted) {
        io.setExitCode(1);
        // The report is on stdout; the failure also gets its one line on stderr, like every other.
        if (!options.json)
          io.stderr(
            `error: ${kept} dead letter${kept === 1 ? ' was' : 's were'} not ${report.dryRun ? 'replayable' : 'replayed'}` +
              `${report.aborted ? ' (interrupted)' : ''}: see the report above\n`,
          );
      }
    });
  } finally {
    process.removeListener('SIGINT', interrupt);
  }
}

/** `jetbus dlq rm <dlqSeq...>`: deletes those found; exit code 1 when any was not there. */
export async function rmAction(ids: string[], options: DlqCommandOptions, io: CommandIo): Promise<void> {
  const seqs = ids.map((id) => parseDlqSeq(id));
  await withStore(options, async (store, _nc, deadline) => {
    const deleted: number[] = [];
    const notFound: number[] = [];
    for (const seq of seqs) {
      ((await store.delete(seq)) ? deleted : notFound).push(seq);
      deadline.extend(options.timeout);
    }
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
  const selective = hasDeadLetterCriteria(filter) || filter.limit !== undefined;
  await withStore(options, async (store, _nc, deadline) => {
    if (!options.yes) {
      const count = selective
        ? (await collect(store.entries(filter), deadline, options.timeout)).length
        : (await store.info()).state.messages;
      throw new Error(
        `refusing to purge without --yes: it would delete ${count} dead letter${count === 1 ? '' : 's'} from ${store.stream}`,
      );
    }
    // A selective purge reads and deletes one entry at a time: each one pushes the deadline back.
    let purged = 0;
    if (selective) {
      for (const entry of await collect(store.entries(filter), deadline, options.timeout)) {
        if (await store.delete(entry.dlqSeq, entry)) purged++;
        deadline.extend(options.timeout);
      }
    } else {
      purged = await store.purge(filter);
    }
    print(io, !!options.json, { stream: store.stream, purged }, () => [
      `purged ${purged} dead letter${purged === 1 ? '' : 's'} from ${store.stream}`,
    ]);
  });
}

/**
 * Reads a DLQ listing, one request per entry: each entry read pushes the deadline back, so
 * `--timeout` bounds a server that stops answering, not the size of the DLQ.
 */
async function collect<T>(entries: AsyncIterable<T>, deadline: Deadline, timeoutMs: number): Promise<T[]> {
  const out: T[] = [];
  for await (const entry of entries) {
    out.push(entry);
    deadline.extend(timeoutMs);
  }
  return out;
}
