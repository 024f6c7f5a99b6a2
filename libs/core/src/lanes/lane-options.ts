import { checkOptions, integerOption, optionNames, optionPath, shown } from '../config';
import { JetbusConfigError } from '../errors';
import { type Duration } from '../retry/duration';
import { parseDurationAtLeast } from '../retry/duration';
import { type Priority, groupFilter, prioritySubject } from '../wire/lane-names';

/** Pull weights of the priority lanes, positive integers. */
export type PriorityWeights = Record<Priority, number>;

/**
 * `priorities` on a handler: it pulls three lanes (`publish(..., { priority })`) with these weights.
 * While all three have jobs, a lane gets its weight's share of the pulled jobs, so a high job
 * overtakes a normal backlog and low jobs still progress. @default weights { high: 8, normal: 3, low: 1 }
 */
export type PrioritiesOption = true | Partial<PriorityWeights>;

/** `fairness` on a handler: one lane per group key (`publish(..., { group })`), pulled in turn. */
export interface FairnessOptions {
  /** Group lanes (consumers) this handler keeps at most; more groups wait for a free one. @default 100 */
  maxGroups?: number;
  /** How often the stream is asked which groups have jobs (one STREAM.INFO). At least 100ms. @default '1s' */
  discoverEvery?: Duration;
  /** A group lane without jobs for this long is removed (its consumer deleted). At least 1s. @default '1m' */
  idleAfter?: Duration;
}

export const PRIORITY_DEFAULT_WEIGHTS: PriorityWeights = { high: 8, normal: 3, low: 1 };
export const FAIRNESS_DEFAULTS = { maxGroups: 100, discoverEvery: '1s', idleAfter: '1m' } as const;

export type ResolvedLanes =
  | { kind: 'priorities'; weights: PriorityWeights }
  | { kind: 'fairness'; maxGroups: number; discoverEveryMs: number; idleAfterMs: number };

const WEIGHT_OPTIONS = optionNames<PriorityWeights>({ high: true, normal: true, low: true });
const FAIRNESS_OPTIONS = optionNames<FairnessOptions>({
  maxGroups: true,
  discoverEvery: true,
  idleAfter: true,
});

export function parsePriorities(value: unknown, path: string): ResolvedLanes | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return { kind: 'priorities', weights: { ...PRIORITY_DEFAULT_WEIGHTS } };
  const o = checkOptions(value, path, WEIGHT_OPTIONS, 'true or an object of weights { high, normal, low }');
  const weight = (p: Priority) =>
    integerOption(o[p], optionPath(path, p), 'a positive integer', (n) => n >= 1) ??
    PRIORITY_DEFAULT_WEIGHTS[p];
  return {
    kind: 'priorities',
    weights: { high: weight('high'), normal: weight('normal'), low: weight('low') },
  };
}

export function parseFairness(value: unknown, path: string): ResolvedLanes | undefined {
  if (value === undefined || value === false) return undefined;
  const o =
    value === true
      ? {}
      : checkOptions(
          value,
          path,
          FAIRNESS_OPTIONS,
          'true or an object { maxGroups?, discoverEvery?, idleAfter? }',
        );
  return {
    kind: 'fairness',
    maxGroups:
      integerOption(o.maxGroups, optionPath(path, 'maxGroups'), 'a positive integer', (n) => n >= 1) ??
      FAIRNESS_DEFAULTS.maxGroups,
    discoverEveryMs: parseDurationAtLeast(
      o.discoverEvery,
      optionPath(path, 'discoverEvery'),
      100,
      FAIRNESS_DEFAULTS.discoverEvery,
    ),
    idleAfterMs: parseDurationAtLeast(
      o.idleAfter,
      optionPath(path, 'idleAfter'),
      1000,
      FAIRNESS_DEFAULTS.idleAfter,
    ),
  };
}

/**
 * `priorities` and `fairness` on one handler: a lane is either a priority or a group (a subject token
 * after the handler's subject, and a publish names one or the other), so there are no lanes of both.
 * `origin` says where each came from when one was inherited from `handlerDefaults`.
 */
export function lanesCombined(
  option: string,
  origin: { priorities: string; fairness: string } = { priorities: '', fairness: '' },
): JetbusConfigError {
  const hint =
    origin.priorities || origin.fairness
      ? ' (or set the one from handlerDefaults to undefined on this handler)'
      : '';
  return new JetbusConfigError(
    option,
    `fairness${origin.fairness} cannot be combined with priorities${origin.priorities} on one handler: ` +
      `a lane is a priority or a group, not both; choose one${hint}`,
  );
}

/**
 * The handler's lanes from its merged options. Lanes are subject tokens appended to the handler's
 * subject, which a subject ending in `>` already swallows; priorities and fairness are one or the
 * other (`lanesCombined`).
 */
export function resolveLanes(
  subject: string,
  priorities: ResolvedLanes | undefined,
  fairness: ResolvedLanes | undefined,
  at: (name: 'priorities' | 'fairness') => string,
  origin?: { priorities: string; fairness: string },
): ResolvedLanes | undefined {
  if (priorities && fairness) throw lanesCombined(at('fairness'), origin);
  const lanes = priorities ?? fairness;
  if (lanes && subject.endsWith('>')) {
    throw new JetbusConfigError(
      at(lanes.kind),
      `needs lane subjects after the handler's subject, which ${shown(subject)} (ending in ">") already captures`,
    );
  }
  return lanes;
}

/**
 * The lane subjects of a handler besides its own: where its delayed lane jobs are released to, so
 * the workers release them as they do the handler's own (`<subject>._group.*` covers every group).
 */
export function laneSubjects(subject: string, lanes: ResolvedLanes | undefined): string[] {
  if (!lanes) return [];
  return lanes.kind === 'priorities'
    ? [prioritySubject(subject, 'high'), prioritySubject(subject, 'low')]
    : [groupFilter(subject)];
}
