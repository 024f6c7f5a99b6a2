import { JobHandler } from '../../handlers/job-handler.decorator';
import { periodicSubject } from './periodic-names';
import { type PeriodicOptions } from './periodic.options';

export const PERIODIC_METADATA = 'jetbus:periodic';

export interface PeriodicMetadata {
  cron: string;
  options: PeriodicOptions;
  /** `<ClassName>-<method>`, the name when `options.name` is not given. */
  defaultName: string;
}

/**
 * Runs the method on a cron schedule across every instance, once per tick: each tick is published
 * (to `jetbus.periodic.<name>`, or `options.subject`) and the method is that subject's
 * `@JobHandler`, so a tick is a job like any other (retries, dead letters, `ctx`). The tick time is
 * `ctx.header('Jetbus-Periodic-Tick')`. Checked when `JetbusServer` starts.
 */
export function Periodic(cron: string, options: PeriodicOptions = {}): MethodDecorator {
  return (target, key, descriptor) => {
    const defaultName = `${target.constructor.name}-${String(key)}`;
    const subject = options.subject ?? periodicSubject(options.name ?? defaultName);
    JobHandler(subject, options.handler ?? {})(target, key, descriptor);
    const existing: PeriodicMetadata[] =
      Reflect.getMetadata(PERIODIC_METADATA, descriptor.value as object) ?? [];
    Reflect.defineMetadata(
      PERIODIC_METADATA,
      [...existing, { cron, options, defaultName }],
      descriptor.value as object,
    );
    return descriptor;
  };
}
