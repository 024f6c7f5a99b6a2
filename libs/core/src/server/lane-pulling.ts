import { type Consumer, type JetStreamClient, RetentionPolicy } from '@nats-io/jetstream';
import { type Logger } from 'pino';
import { isConsumerNotFound } from '../connection/jetstream-api-errors';
import { startupRequest } from '../connection/startup-request';
import {
  GroupDiscovery,
  LanePuller,
  type LanePullerHooks,
  type PullWindow,
  UnknownLaneSweeper,
  groupDurable,
  groupSubject,
  priorityDurable,
} from '../lanes';
import { ensureConsumer, laneConsumerConfig } from '../provisioning';
import { type DeadLetterSink } from '../dead-letter';
import { type PreparedHandler } from './prepared-handler';

/**
 * How often a handler with `priorities` looks for jobs stored on lanes it does not have
 * (`<subject>._prio.urgent` from a raw client), one STREAM.INFO each; fairness does it at every
 * group discovery.
 */
const UNKNOWN_PRIORITY_SCAN_MS = 5_000;

/** A handler's lanes being pulled; `run()` ends once the runner stops and the pulls are read. */
export interface LanePulling {
  run(): Promise<void>;
}

/**
 * Binds a handler with `priorities` or `fairness` to its lane consumers (provisioned at startup, or
 * per group as discovery finds them) and pulls them through the runner's window.
 */
export async function startLanePulling(
  handler: PreparedHandler,
  js: JetStreamClient,
  window: PullWindow,
  hooks: LanePullerHooks,
  log: Logger,
  deadLetters: DeadLetterSink,
): Promise<LanePulling> {
  const { stream, subject, options: o } = handler;
  const lanes = o.lanes!;
  const puller = new LanePuller(window, hooks, log);
  const bind = (durable: string) => () => js.consumers.get(stream, durable);
  const bindAtStart = (durable: string) =>
    startupRequest(`bind consumer ${stream}/${durable}`, bind(durable), log);
  // Cached: the info the bind just read.
  const known = async (c: Consumer) => (await c.info(true)).num_pending;
  // No account-info check: the connection made it, and here it would be one more request to meet an
  // election.
  const jsm = await js.jetstreamManager(false);
  const unknown = new UnknownLaneSweeper(
    jsm,
    deadLetters,
    {
      stream,
      subject,
      lanes: lanes.kind,
      handler: handler.name,
      durable: o.durable,
      target: o.deadLetter || undefined,
    },
    log,
  );
  if (lanes.kind === 'priorities') {
    for (const priority of ['high', 'normal', 'low'] as const) {
      const durable = priorityDurable(o.durable, priority);
      const consumer = await bindAtStart(durable);
      puller.add(
        { key: priority, weight: lanes.weights[priority], probe: true, consumer, rebind: bind(durable) },
        await known(consumer),
      );
    }
    // Only a work queue keeps a job no consumer takes forever; elsewhere it may be another's to read.
    const { config } = await startupRequest(`read stream ${stream}`, () => jsm.streams.info(stream), log);
    const workQueue = config.retention === RetentionPolicy.Workqueue;
    if (!workQueue) return puller;
    unknown.start(UNKNOWN_PRIORITY_SCAN_MS);
    return {
      run: async () => {
        try {
          await puller.run();
        } finally {
          await unknown.stop();
        }
      },
    };
  }
  const base = await bindAtStart(o.durable);
  puller.add(
    { key: 'ungrouped', weight: 1, probe: true, consumer: base, rebind: bind(o.durable) },
    await known(base),
  );
  const discovery = new GroupDiscovery(
    puller,
    {
      open: async (group) => {
        const durable = groupDurable(o.durable, group);
        const config = laneConsumerConfig(groupSubject(subject, group), durable, o);
        await ensureConsumer(jsm, { stream, durable, config }, `fairness group ${group}`, log);
        return js.consumers.get(stream, durable);
      },
      close: async (group) => {
        const durable = groupDurable(o.durable, group);
        try {
          const info = await jsm.consumers.info(stream, durable);
          if (info.num_pending > 0 || info.num_ack_pending > 0) return false;
          return await jsm.consumers.delete(stream, durable);
        } catch (e) {
          if (isConsumerNotFound(e as Error)) return false;
          throw e;
        }
      },
    },
    { stream, subject, ...lanes },
    log,
    unknown,
  );
  // The first round binds the groups holding jobs; run again whole while the cluster elects a leader
  // (a group lane already added is only hinted the second time).
  await startupRequest(
    `discover the fairness groups of ${stream}/${o.durable}`,
    () => discovery.start(),
    log,
  );
  return {
    run: async () => {
      try {
        await puller.run();
      } finally {
        await discovery.stop();
        await unknown.stop();
      }
    },
  };
}
