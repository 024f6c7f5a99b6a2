import { shown } from '../config';
import { JetbusConfigError } from '../errors';
import {
  GROUP_RULE,
  PRIORITIES,
  type Priority,
  groupSubject,
  isGroup,
  prioritySubject,
} from '../wire/lane-names';

/** The lane a publish asks for: `priority` or `group`, as `PublishOptions` holds them. */
export interface LaneChoice {
  priority?: Priority;
  group?: string;
}

/**
 * Checks a publish's `priority` and `group` (the one place they are validated) and returns the
 * subject the job is stored under: the handler's subject plus the lane's tokens.
 */
export function publishLaneSubject(subject: string, o: LaneChoice): string {
  const { priority, group } = o;
  if (priority === undefined && group === undefined) return subject;
  if (priority !== undefined && !(PRIORITIES as readonly unknown[]).includes(priority)) {
    throw new JetbusConfigError(
      'priority',
      `must be one of ${PRIORITIES.join(' | ')}, got ${shown(priority)}`,
    );
  }
  if (group !== undefined && !isGroup(group)) {
    throw new JetbusConfigError('group', `must be ${GROUP_RULE}, got ${shown(group)}`);
  }
  if (priority !== undefined && group !== undefined) {
    throw new JetbusConfigError(
      'group',
      'cannot be combined with priority (a handler has one kind of lanes)',
    );
  }
  return group !== undefined ? groupSubject(subject, group) : prioritySubject(subject, priority!);
}
