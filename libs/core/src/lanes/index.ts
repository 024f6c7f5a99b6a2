export {
  GROUP_TOKEN,
  PRIORITIES,
  PRIORITY_TOKEN,
  type Priority,
  groupDurable,
  groupFilter,
  groupSubject,
  isGroup,
  priorityDurable,
  prioritySubject,
} from '../wire/lane-names';
export {
  FAIRNESS_DEFAULTS,
  PRIORITY_DEFAULT_WEIGHTS,
  type FairnessOptions,
  type PrioritiesOption,
  type PriorityWeights,
  type ResolvedLanes,
  laneSubjects,
  parseFairness,
  parsePriorities,
  resolveLanes,
} from './lane-options';
export { publishLaneSubject } from './publish-lane';
export { captures, capturedByAny } from './subject-capture';
export { WeightedPicker } from './weighted-picker';
export { LanePuller, type LanePullerHooks, type LaneSource, type PullWindow } from './lane-puller';
export { GroupDiscovery, type GroupConsumers, groupLaneKey } from './group-discovery';
export {
  type StoredLane,
  UnknownLaneSweeper,
  type UnknownLaneSettings,
  unknownLaneProblem,
} from './unknown-lanes';
