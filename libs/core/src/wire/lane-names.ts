/**
 * Where a lane's jobs live: the lane is part of the subject, so a plain JetStream pull consumer per
 * lane (one filter subject, as nats-server 2.9 allows) reads only that lane. Normal priority and
 * ungrouped jobs stay on the handler's own subject: producers that know nothing of lanes (other
 * languages, older code) keep working, and their jobs land in the normal lane.
 *
 * The lane tokens start with `_` (`_prio`, `_group`), a prefix jetbus reserves after a handler's
 * subject so a lane never collides with an application subject of the usual `a.b.c` shape.
 */
export const PRIORITY_TOKEN = '_prio';
export const GROUP_TOKEN = '_group';

export const PRIORITIES = ['high', 'normal', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

/**
 * A group is one subject token and part of a consumer name, so it is checked rather than hashed:
 * a hash would hide the tenant in `nats consumer ls` and in the logs. Letters, digits, `-` and `_`.
 */
export const GROUP_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const GROUP_RULE = '1 to 64 letters, digits, "-" or "_"';

export const isGroup = (value: unknown): value is string =>
  typeof value === 'string' && GROUP_PATTERN.test(value);

/** The subject a job with this priority is published to; `normal` is the handler's subject itself. */
export const prioritySubject = (subject: string, priority: Priority): string =>
  priority === 'normal' ? subject : `${subject}.${PRIORITY_TOKEN}.${priority}`;

/** The subject a job of this group is published to. */
export const groupSubject = (subject: string, group: string): string => `${subject}.${GROUP_TOKEN}.${group}`;

/** Matches every group lane of a handler subject (the discovery filter). */
export const groupFilter = (subject: string): string => `${subject}.${GROUP_TOKEN}.*`;

/** The durable of a priority lane; `normal` keeps the handler's durable and with it its backlog. */
export const priorityDurable = (durable: string, priority: Priority): string =>
  priority === 'normal' ? durable : `${durable}_prio_${priority}`;

export const groupDurable = (durable: string, group: string): string => `${durable}_group_${group}`;

/** The group of a stored subject `<subject>._group.<group>`: its last token. */
export const groupOfSubject = (stored: string): string => stored.slice(stored.lastIndexOf('.') + 1);

/**
 * The durables a lane durable may belong to: `<durable>` of `<durable>_prio_high|low` or
 * `<durable>_group_<group>`, every split (a durable may itself contain `_group_`), so the caller
 * picks the one that is a handler with lanes.
 */
export function laneOwnerCandidates(consumer: string): string[] {
  const owners: string[] = [];
  const prio = /^(.+)_prio_(high|low)$/.exec(consumer);
  if (prio) owners.push(prio[1]);
  for (let at = consumer.indexOf('_group_'); at > 0; at = consumer.indexOf('_group_', at + 1)) {
    if (GROUP_PATTERN.test(consumer.slice(at + '_group_'.length))) owners.push(consumer.slice(0, at));
  }
  return owners;
}

/**
 * The handler subject a lane subject belongs to (`orders.created._prio.high` → `orders.created`),
 * or the subject itself: settings keyed on handler subjects (encrypted subjects) cover its lanes.
 */
export function laneBaseSubject(subject: string): string {
  const lane = /^(.+)\.(?:_prio\.(?:high|low)|_group\.[A-Za-z0-9_-]{1,64})$/.exec(subject);
  return lane ? lane[1] : subject;
}
