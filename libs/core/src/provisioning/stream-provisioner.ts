import {
  DiscardPolicy,
  type JetStreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { type Logger } from 'pino';
import { isJetStreamRefusal, isStreamNotFound } from '../connection/jetstream-api-errors';
import { mapStartupError } from '../connection/map-startup-error';
import { whileElecting } from '../connection/while-electing';
import { JetbusConfigError } from '../errors';
import { type ResolvedStreamOptions } from '../options/resolve-module-options';

const RETENTION = {
  limits: RetentionPolicy.Limits,
  workqueue: RetentionPolicy.Workqueue,
  interest: RetentionPolicy.Interest,
} as const;

export function toStreamConfig(s: ResolvedStreamOptions): Partial<StreamConfig> & { name: string } {
  return {
    name: s.name,
    subjects: s.subjects,
    retention: RETENTION[s.retention],
    storage: s.storage === 'memory' ? StorageType.Memory : StorageType.File,
    num_replicas: s.replicas,
    max_age: nanos(s.maxAgeMs),
    max_msgs: s.maxMsgs,
    max_bytes: s.maxBytes,
    max_msgs_per_subject: s.maxMsgsPerSubject,
    max_msg_size: s.maxMsgSize,
    discard: s.discard === 'new' ? DiscardPolicy.New : DiscardPolicy.Old,
    // Without it `discard: new` refuses only at the stream-wide limits and silently drops the
    // oldest message of a subject at its per-subject limit.
    discard_new_per_subject: s.discard === 'new' && s.maxMsgsPerSubject > 0,
    duplicate_window: nanos(s.duplicateWindowMs),
  };
}

const UPDATABLE: (keyof StreamConfig)[] = [
  'subjects',
  'num_replicas',
  'max_age',
  'max_msgs',
  'max_bytes',
  'max_msgs_per_subject',
  'max_msg_size',
  'discard',
  'discard_new_per_subject',
  'duplicate_window',
];

// An unset boolean on one side and `false` on the other (servers differ in what they echo) are equal.
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? false) === JSON.stringify(b ?? false);

/**
 * Creates declared streams that are missing and updates changed limits of existing ones. Retention
 * and storage cannot change in place; a mismatch stops startup instead of running on a stream that
 * behaves differently from what the code declares.
 */
export async function ensureStreams(
  jsm: JetStreamManager,
  streams: ResolvedStreamOptions[],
  logger: Logger,
  /** Option path prefix for errors; indexes are appended for the user's `streams` list. */
  optionPath = 'streams',
): Promise<void> {
  for (const [i, s] of streams.entries()) {
    const where = optionPath === 'streams' ? `streams[${i}]` : optionPath;
    const desired = toStreamConfig(s);
    const info = `stream info ${s.name}`;
    const live = await whileElecting(info, () => jsm.streams.info(s.name), logger).then(
      (i) => i.config,
      (e: unknown) => {
        if (isStreamNotFound(e)) return undefined;
        throw mapStartupError(e, info);
      },
    );
    if (!live) {
      const create = `create stream ${s.name}`;
      await whileElecting(create, () => jsm.streams.add(desired), logger).catch((e: Error) => {
        // JetStream's answer is about the declaration; no answer or a lost connection is not.
        throw isJetStreamRefusal(e)
          ? new JetbusConfigError(where, `cannot create stream ${s.name}: ${e.message}`, { cause: e })
          : mapStartupError(e, create);
      });
      logger.info({ stream: s.name, subjects: s.subjects, retention: s.retention }, 'stream created');
      continue;
    }
    for (const key of ['retention', 'storage'] as const) {
      if (live[key] !== desired[key]) {
        throw new JetbusConfigError(
          `${where}.${key}`,
          `stream ${s.name} exists with ${key} "${live[key]}" but "${desired[key]}" is declared; ` +
            `NATS cannot change it in place (back up, delete and recreate the stream)`,
        );
      }
    }
    const changed = UPDATABLE.filter((k) => !same(live[k], desired[k as keyof typeof desired]));
    if (changed.length > 0) {
      const update = `update stream ${s.name}`;
      // The same update again is idempotent: it is retried while the cluster elects a leader.
      await whileElecting(update, () => jsm.streams.update(s.name, { ...live, ...desired }), logger).catch(
        (e: Error) => {
          throw isJetStreamRefusal(e)
            ? new JetbusConfigError(
                `streams[${i}]`,
                `cannot update stream ${s.name} (${changed.join(', ')}): ${e.message}`,
                { cause: e },
              )
            : mapStartupError(e, update);
        },
      );
      logger.info({ stream: s.name, changed }, 'stream updated');
    }
  }
}
