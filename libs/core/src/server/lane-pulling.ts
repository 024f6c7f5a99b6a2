import { type Consumer, type JetStreamClient } from '@nats-io/jetstream';
import { type Logger } from 'pino';
import { isConsumerNotFound } from '../connection/jetstream-api-errors';
import {
  GroupDiscovery,
  LanePuller,
  type LanePullerHooks,
  type PullWindow,
  groupDurable,
  groupSubject,
  priorityDurable,
} from '../lanes';
import { ensureConsumer, laneConsumerConfig } from '../provisioning';
import { type PreparedHandler } from './prepared-handler';

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
): Promise<LanePulling> {
  const { stream, subject, options: o } = handler;
  const lanes = o.lanes!;
  const puller = new LanePuller(window, hooks, log);
  const bind = (durable: string) => () => js.consumers.get(stream, durable);
  const known = async (c: Consumer) => (await c.info(true)).num_pending;
  if (lanes.kind === 'priorities') {
    for (const priority of ['high', 'normal', 'low'] as const) {
      const durable = priorityDurable(o.durable, priority);
      const consumer = await js.consumers.get(stream, durable);
      puller.add(
        { key: priority, weight: lanes.weights[priority], probe: true, consumer, rebind: bind(durable) },
        await known(consumer),
      );
    }
    return puller;
  }
  const jsm = await js.jetstreamManager();
  const base = await js.consumers.get(stream, o.durable);
  puller.add(
    { key: 'ungrouped', weight: 1, probe: true, consumer: base, rebind: bind(o.durable) },
    await known(base),
  );
  const discovery = new GroupDiscovery(
    jsm,
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
  );
  await discovery.start();
  return {
    run: async () => {
      try {
        await puller.run();
      } finally {
        await discovery.stop();
      }
    },
  };
}
