import { jetstream } from '@nats-io/jetstream';
import { PERIODIC_NAME_PATTERN, listPeriodic, pausePeriodic, resumePeriodic } from '@jetbus/core/ops';
import { type CommandIo, print } from '../cli-io';
import { type ServerCommandOptions } from '../connection.options';
import { UsageError } from '../usage.error';
import { withCommandConnection } from '../with-command-connection';
import { formatPeriodic, periodicView } from './format-periodic';

export interface PeriodicCommandOptions extends ServerCommandOptions {
  json?: boolean;
}

/** `jetbus periodic list`. */
export async function listAction(options: PeriodicCommandOptions, io: CommandIo): Promise<void> {
  await withCommandConnection(options, async (nc) => {
    const schedules = await listPeriodic(jetstream(nc, { timeout: options.timeout }));
    print(io, !!options.json, { schedules: schedules.map(periodicView) }, () => formatPeriodic(schedules));
  });
}

function checkName(name: string): void {
  if (!PERIODIC_NAME_PATTERN.test(name))
    throw new UsageError(`name must be 1 to 64 letters, digits, "-" or "_", got ${JSON.stringify(name)}`);
}

/** `jetbus periodic pause <name>`: exit code 1 for a schedule no worker declared. */
export async function pauseAction(
  name: string,
  options: PeriodicCommandOptions,
  io: CommandIo,
): Promise<void> {
  checkName(name);
  await withCommandConnection(options, async (nc) => {
    await pausePeriodic(jetstream(nc, { timeout: options.timeout }), name);
    print(io, !!options.json, { name, paused: true }, () => [
      `${name}: paused (no tick is published until resumed)`,
    ]);
  });
}

/** `jetbus periodic resume <name>`. */
export async function resumeAction(
  name: string,
  options: PeriodicCommandOptions,
  io: CommandIo,
): Promise<void> {
  checkName(name);
  await withCommandConnection(options, async (nc) => {
    await resumePeriodic(jetstream(nc, { timeout: options.timeout }), name);
    print(io, !!options.json, { name, paused: false }, () => [`${name}: resumed (from its next tick)`]);
  });
}
