import { type JetStreamManager, RetentionPolicy } from '@nats-io/jetstream';
import { type Logger } from 'pino';
import { startupRequest } from '../connection/startup-request';
import { JetbusConfigError } from '../errors';
import { type ResolvedJobHandlerOptions } from '../handlers/job-handler.options';
import { capturedByAny, groupFilter, priorityDurable, prioritySubject } from '../lanes';
import { ensureConsumer, toConsumerConfig } from './consumer-provisioner';

/** The consumer of one lane: the handler's settings, the lane's durable and filter. */
export const laneConsumerConfig = (filter: string, durable: string, o: ResolvedJobHandlerOptions) =>
  toConsumerConfig(filter, { ...o, durable });

/**
 * Checks that the handler's stream stores its lane subjects (else every lane publish would fail
 * with "no stream") and, for priorities, creates the high and low durables next to the handler's
 * own (the normal lane). Group durables are created when discovery finds a group with jobs, which
 * needs a work-queue stream: there an acked job is gone, so a group durable deleted when idle and
 * created again later starts at that group's first unfinished job; on a limits stream it would
 * deliver the group's whole history again.
 */
export async function provisionLanes(
  jsm: JetStreamManager,
  stream: string,
  subject: string,
  o: ResolvedJobHandlerOptions,
  where: string,
  logger: Logger,
): Promise<void> {
  const lanes = o.lanes;
  if (!lanes) return;
  const at = `${where}.${lanes.kind}`;
  const step = `stream info ${stream}`;
  const { config } = await startupRequest(step, () => jsm.streams.info(stream), logger);
  const needed =
    lanes.kind === 'priorities'
      ? [prioritySubject(subject, 'high'), prioritySubject(subject, 'low')]
      : [groupFilter(subject)];
  for (const lane of needed) {
    if (!capturedByAny(config.subjects ?? [], lane)) {
      throw new JetbusConfigError(
        at,
        `stream ${stream} does not capture the lane subject "${lane}" (its subjects: ${JSON.stringify(config.subjects)}); ` +
          `add "${lanes.kind === 'priorities' ? `${subject}._prio.*` : lane}" to its subjects`,
      );
    }
  }
  if (lanes.kind === 'fairness') {
    if (config.retention !== RetentionPolicy.Workqueue) {
      throw new JetbusConfigError(
        at,
        `needs a work-queue stream (retention "workqueue"); stream ${stream} has "${config.retention}", on which ` +
          "a group consumer removed when idle would deliver the group's finished jobs again when it comes back",
      );
    }
    return;
  }
  for (const priority of ['high', 'low'] as const) {
    const durable = priorityDurable(o.durable, priority);
    await ensureConsumer(
      jsm,
      { stream, durable, config: laneConsumerConfig(prioritySubject(subject, priority), durable, o) },
      at,
      logger,
    );
  }
}
