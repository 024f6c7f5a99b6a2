import { Cron } from 'croner';
import { booleanOption, checkOptions, isSubject, oneOf, optionNames, optionPath, shown } from '../../config';
import { JetbusConfigError } from '../../errors';
import { PERIODIC_NAME_PATTERN, PERIODIC_SUBJECT_PREFIX, periodicSubject } from './periodic-names';
import {
  type MissedTicksPolicy,
  type PeriodicDefinition,
  type PeriodicOptions,
  type ResolvedPeriodic,
} from './periodic.options';

/** The documented defaults of `PeriodicOptions`, read only here. */
export const PERIODIC_DEFAULTS = {
  timezone: 'UTC',
  overlap: true,
  missed: 'skip',
} as const satisfies Partial<PeriodicOptions>;

const DECORATOR_OPTIONS = optionNames<PeriodicOptions>({
  name: true,
  subject: true,
  payload: true,
  timezone: true,
  overlap: true,
  missed: true,
  handler: true,
});
const DEFINITION_OPTIONS = optionNames<PeriodicDefinition>({
  name: true,
  cron: true,
  subject: true,
  payload: true,
  timezone: true,
  overlap: true,
  missed: true,
});
const MISSED: readonly MissedTicksPolicy[] = ['skip', 'run-once'];

/** Parses `cron` in `timezone` with croner; a bad expression or zone is a `JetbusConfigError` at `path`. */
export function parseCron(cron: unknown, timezone: string, path: string): Cron {
  if (typeof cron !== 'string' || cron.trim() === '') {
    throw new JetbusConfigError(
      path,
      `must be a cron expression such as "0 */5 * * * *", got ${shown(cron)}`,
    );
  }
  try {
    // Paused: croner only computes ticks here, jetbus fires them (see PeriodicRunner).
    return new Cron(cron, { timezone, paused: true });
  } catch (e) {
    throw new JetbusConfigError(
      path,
      `is not a valid cron expression (${(e as Error).message}): ${shown(cron)}`,
    );
  }
}

function resolveTimezone(value: unknown, path: string): string {
  if (value === undefined) return PERIODIC_DEFAULTS.timezone;
  try {
    if (typeof value !== 'string' || value === '') throw new RangeError('not a string');
    // Intl knows the IANA zones of the running Node; it throws RangeError on an unknown one.
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return value;
  } catch {
    throw new JetbusConfigError(
      path,
      `must be an IANA time zone such as "Europe/Paris" or "UTC", got ${shown(value)}`,
    );
  }
}

function resolveName(value: unknown, path: string): string {
  if (typeof value !== 'string' || !PERIODIC_NAME_PATTERN.test(value)) {
    throw new JetbusConfigError(
      path,
      `must be a schedule name of letters, digits, - and _ (at most 64), got ${shown(value)}`,
    );
  }
  return value;
}

function resolveCommon(
  o: Record<string, unknown>,
  cron: unknown,
  name: string,
  path: string,
  cronPath: string,
): Omit<ResolvedPeriodic, 'handler' | 'where'> {
  const at = (key: string) => optionPath(path, key);
  const timezone = resolveTimezone(o.timezone, at('timezone'));
  const parsed = parseCron(cron, timezone, cronPath);
  if (parsed.nextRun() === null) throw new JetbusConfigError(cronPath, `never fires: ${shown(cron)}`);
  let subject = periodicSubject(name);
  if (o.subject !== undefined) {
    if (!isSubject(o.subject, false) || o.subject.startsWith(`${PERIODIC_SUBJECT_PREFIX}.`)) {
      throw new JetbusConfigError(
        at('subject'),
        `must be a subject without wildcards outside ${PERIODIC_SUBJECT_PREFIX}.>, got ${shown(o.subject)}`,
      );
    }
    subject = o.subject;
  }
  return {
    name,
    cron: cron as string,
    timezone,
    subject,
    payload: o.payload,
    overlap: booleanOption(o.overlap, at('overlap')) ?? PERIODIC_DEFAULTS.overlap,
    missed: oneOf(o.missed, MISSED, at('missed'), PERIODIC_DEFAULTS.missed),
  };
}

/** `@Periodic(cron, options)` on `ClassName.method`: checked when `JetbusServer` starts. */
export function resolvePeriodicDecorator(
  cron: string,
  options: PeriodicOptions,
  handler: string,
  defaultName: string,
): ResolvedPeriodic {
  const where = `@Periodic(${JSON.stringify(cron)}) on ${handler}`;
  const o = checkOptions(options, where, DECORATOR_OPTIONS);
  const name = resolveName(o.name ?? defaultName, optionPath(where, 'name'));
  return { ...resolveCommon(o, cron, name, where, where), handler, where };
}

/** The module's `periodic: [...]`. */
export function resolvePeriodicDefinitions(value: unknown): ResolvedPeriodic[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw new JetbusConfigError('periodic', `must be an array of schedules, got ${shown(value)}`);
  }
  return value.map((entry: unknown, i) => {
    const path = `periodic[${i}]`;
    const o = checkOptions(entry, path, DEFINITION_OPTIONS, 'a schedule { name, cron, subject, ... }');
    const name = resolveName(o.name, optionPath(path, 'name'));
    if (o.subject === undefined) {
      throw new JetbusConfigError(
        optionPath(path, 'subject'),
        'is required: a module-declared schedule publishes its ticks to a subject a @JobHandler handles',
      );
    }
    return {
      ...resolveCommon(o, o.cron, name, path, optionPath(path, 'cron')),
      handler: undefined,
      where: path,
    };
  });
}

/** Two schedules with one name would share a tick subject, dedup ids and KV keys. */
export function checkUniqueNames(schedules: ResolvedPeriodic[]): void {
  const seen = new Map<string, string>();
  for (const s of schedules) {
    const other = seen.get(s.name);
    if (other !== undefined) {
      throw new JetbusConfigError(`${s.where}.name`, `schedule "${s.name}" is also declared by ${other}`);
    }
    seen.set(s.name, s.where);
  }
}
