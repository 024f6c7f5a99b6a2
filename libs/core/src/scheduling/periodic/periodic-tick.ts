import { type JetbusContext } from '../../context/jetbus.context';
import { PERIODIC_TICK_HEADER } from './periodic-names';

/**
 * The tick a periodic job stands for (its `Jetbus-Periodic-Tick` header), or undefined for a job
 * that is not a tick: `periodicTickOf(ctx)` in a `@Periodic` method or a tick's `@JobHandler`.
 */
export function periodicTickOf(ctx: JetbusContext): Date | undefined {
  const raw = ctx.header(PERIODIC_TICK_HEADER);
  const ms = raw === undefined ? Number.NaN : Date.parse(raw);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}
