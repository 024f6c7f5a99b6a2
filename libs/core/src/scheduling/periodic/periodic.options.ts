import { type JobHandlerOptions } from '../../handlers/job-handler.options';

/** What happens to ticks that passed while no instance of a schedule was running. */
export type MissedTicksPolicy = 'skip' | 'run-once';

/** Options of `@Periodic(cron, options)`, shared by module-declared schedules. */
export interface PeriodicOptions {
  /**
   * The schedule's name: one token of letters, digits, `-` and `_` (at most 64), unique across every
   * service on the NATS account (it names the tick subject, the dedup id and the KV keys).
   * @default `<ClassName>-<method>` for `@Periodic`; required in `periodic: [...]`
   */
  name?: string;
  /**
   * Where each tick is published. Without it a tick goes to `jetbus.periodic.<name>` in the
   * `JETBUS_PERIODIC` stream; with it, to this subject (a stream must capture it), handled by the
   * decorated method (`@Periodic`) or by whatever `@JobHandler` handles it (module config).
   * @default `jetbus.periodic.<name>`
   */
  subject?: string;
  /** The payload of every tick, encoded with the module's codec. @default `{ schedule: name, tick: ISO time }` */
  payload?: unknown;
  /**
   * IANA time zone the cron expression is read in (`Europe/Paris`). UTC by default, not the host's
   * zone: instances on hosts set to different zones must compute the same ticks. @default 'UTC'
   */
  timezone?: string;
  /**
   * `false`: a tick is skipped while the schedule's previous tick is still waiting or running (the
   * handler's consumer has a message pending or unacked). `true` by default: each tick is its own
   * unit of work and is never dropped because an earlier one is slow. @default true
   */
  overlap?: boolean;
  /**
   * Ticks that passed while every instance was down (found at startup from the last published tick):
   * `skip` publishes none of them, `run-once` publishes the latest of them once. @default 'skip'
   */
  missed?: MissedTicksPolicy;
  /** Options of the tick handler's consumer (`@Periodic` only); as `@JobHandler`'s. @default {} */
  handler?: JobHandlerOptions;
}

/** A schedule declared in `JetbusModule.forRoot({ periodic: [...] })`: its ticks go to `subject`. */
export interface PeriodicDefinition extends Omit<PeriodicOptions, 'handler' | 'name'> {
  name: string;
  /** Cron expression (5 fields, or 6 with seconds first): `0 *\/5 * * * *`. */
  cron: string;
  /** Required here: there is no decorated method to handle `jetbus.periodic.<name>`. */
  subject: string;
}

/** A schedule with every option checked and defaulted. */
export interface ResolvedPeriodic {
  name: string;
  cron: string;
  timezone: string;
  /** The tick subject. */
  subject: string;
  payload: unknown;
  overlap: boolean;
  missed: MissedTicksPolicy;
  /** `ClassName.method` for `@Periodic`; undefined for a module-declared schedule. */
  handler: string | undefined;
  /** Where it was declared, for errors. */
  where: string;
}
