import { AckPolicy, type ConsumerConfig, DeliverPolicy, type JetStreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { type Logger } from 'pino';
import { isConsumerNotFound, isJetStreamRefusal, isStreamNotFound } from '../connection/jetstream-api-errors';
import { mapStartupError } from '../connection/map-startup-error';
import { whileElecting } from '../connection/while-electing';
import { ConsumerDriftError, JetbusConfigError, NoStreamForSubjectError } from '../errors';
import { type ResolvedJobHandlerOptions } from '../handlers/job-handler.options';

export interface ConsumerTarget {
  stream: string;
  durable: string;
  config: Partial<ConsumerConfig>;
}

/**
 * The durable pull consumer a handler gets. No server-side `backoff`: see retry/settlement. With
 * poison isolation jetbus counts attempts itself (a bystander of a crash is redelivered without
 * having failed), and so it does with `rateLimit` (a wait is a nak-ed delivery, not an attempt):
 * the server must then not give up after `maxAttempts` deliveries.
 */
export function toConsumerConfig(subject: string, o: ResolvedJobHandlerOptions): Partial<ConsumerConfig> {
  return {
    durable_name: o.durable,
    filter_subject: subject,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(o.ackWaitMs),
    max_deliver: o.maxAttempts === Infinity || o.crashLimit > 0 || o.rateLimit ? -1 : o.maxAttempts,
    max_ack_pending: o.maxInFlight,
  };
}

/** Finds the stream capturing `subject` unless the handler names one. */
export async function resolveStream(
  jsm: JetStreamManager,
  subject: string,
  declared: string | undefined,
  logger: Logger,
): Promise<string> {
  if (declared) return declared;
  const step = `find the stream of subject ${subject}`;
  try {
    return await whileElecting(step, () => jsm.streams.find(subject), logger);
  } catch (e) {
    // Only an answer saying no stream matches means that; no answer at all is not an answer.
    if (isStreamNotFound(e)) throw new NoStreamForSubjectError(subject, { cause: e });
    throw mapStartupError(e, step);
  }
}

const UPDATABLE = ['ack_wait', 'max_deliver', 'max_ack_pending', 'filter_subject'] as const;
const FIXED = ['ack_policy', 'deliver_policy'] as const;

/**
 * Creates the durable or brings a live one in line with its declaration. Instances of a service
 * race here on every deploy; creating an identical consumer is idempotent in NATS, so they agree.
 */
export async function ensureConsumer(
  jsm: JetStreamManager,
  target: ConsumerTarget,
  where: string,
  logger: Logger,
): Promise<void> {
  const { stream, durable, config } = target;
  // Instances starting together in a cluster, or during a leader election, may see a request go
  // unanswered: info and an identical create are idempotent, so they are retried until answered.
  const info = `consumer info ${stream}/${durable}`;
  const live = await whileElecting(info, () => jsm.consumers.info(stream, durable), logger).then(
    (i) => i.config,
    (e: unknown) => {
      if (isConsumerNotFound(e)) return undefined;
      if (isStreamNotFound(e)) {
        throw new JetbusConfigError(`${where}.stream`, `stream "${stream}" does not exist`);
      }
      throw mapStartupError(e, info);
    },
  );
  if (!live) {
    const create = `create consumer ${stream}/${durable}`;
    await whileElecting(create, () => jsm.consumers.add(stream, config), logger).catch((e: Error) => {
      // JetStream's answer is about the declaration; no answer or a lost connection is not.
      throw isJetStreamRefusal(e)
        ? new JetbusConfigError(where, `cannot create consumer ${stream}/${durable}: ${e.message}`, {
            cause: e,
          })
        : mapStartupError(e, create);
    });
    logger.info({ stream, durable, filter: config.filter_subject }, 'consumer created');
    return;
  }
  const pick = (c: Partial<ConsumerConfig>, keys: readonly (keyof ConsumerConfig)[]) =>
    Object.fromEntries(keys.map((k) => [k, c[k]]));
  if (FIXED.some((k) => live[k] !== config[k])) {
    throw new ConsumerDriftError(
      stream,
      durable,
      pick(config, [...FIXED, ...UPDATABLE]),
      pick(live, [...FIXED, ...UPDATABLE]),
    );
  }
  const changed = UPDATABLE.filter((k) => live[k] !== config[k]);
  if (changed.length === 0) return;
  const update = `update consumer ${stream}/${durable}`;
  try {
    // The same update again is idempotent: it is retried while the cluster elects a leader.
    await whileElecting(update, () => jsm.consumers.update(stream, durable, pick(config, UPDATABLE)), logger);
    logger.info({ stream, durable, changed }, 'consumer updated');
  } catch (e) {
    if (!isJetStreamRefusal(e)) throw mapStartupError(e, update);
    throw new ConsumerDriftError(stream, durable, pick(config, changed), pick(live, changed), { cause: e });
  }
}
