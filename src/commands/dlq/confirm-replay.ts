import { type ReplayReport } from '@jetbus/core/ops';
import { type CommandIo } from '../cli-io';
import { type Deadline } from '../command-deadline';
import { formatTable } from '../format-table';
import { ReplayNotConfirmedError } from './replay-not-confirmed.error';

/** A replay of more dead letters than this shows its plan and asks first (or needs `--yes`). */
export const REPLAY_CONFIRM_THRESHOLD = 10;

/** Planned replays per original subject and target stream, most first. */
export function replayTargets(plan: ReplayReport): { subject: string; stream: string; count: number }[] {
  const counts = new Map<string, { subject: string; stream: string; count: number }>();
  for (const { subject, stream } of plan.wouldReplay) {
    const key = `${subject}\u0000${stream}`;
    const target = counts.get(key) ?? { subject, stream, count: 0 };
    target.count++;
    counts.set(key, target);
  }
  return [...counts.values()].sort((a, b) => b.count - a.count || a.subject.localeCompare(b.subject));
}

/**
 * Decides whether a replay may go ahead, from its dry run (`plan`): `'not-needed'` at or under the
 * threshold; above it, the plan (subject → stream, counts) on stderr and a question on the
 * terminal: the DLQ sequences to replay when confirmed, `'declined'` otherwise. Without a terminal
 * it throws `ReplayNotConfirmedError` (pass `--yes`). The deadline is lifted while a person decides.
 */
export async function confirmReplay(
  plan: ReplayReport,
  io: CommandIo,
  deadline: Deadline,
): Promise<number[] | 'not-needed' | 'declined'> {
  const count = plan.wouldReplay.length;
  if (count <= REPLAY_CONFIRM_THRESHOLD) return 'not-needed';
  const targets = replayTargets(plan);
  if (!io.interactive?.() || !io.confirm) throw new ReplayNotConfirmedError(count, targets);
  io.stderr(
    [
      `about to replay ${count} dead letters (${plan.skipped.length} skipped, ${plan.failed.length} would fail):`,
      ...formatTable(
        ['SUBJECT', 'TARGET STREAM', 'COUNT'],
        targets.map((t) => [t.subject, t.stream, t.count]),
      ).map((line) => `  ${line}`),
      '',
    ].join('\n'),
  );
  deadline.extend(Number.POSITIVE_INFINITY);
  const yes = await io.confirm(`replay ${count} dead letters?`);
  if (!yes) return 'declined';
  return [...plan.wouldReplay, ...plan.skipped, ...plan.failed].map((e) => e.dlqSeq);
}
