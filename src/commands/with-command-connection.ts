import { type NatsConnection } from '@nats-io/transport-node';
import { type Deadline, withDeadline } from './command-deadline';
import { CommandTimeoutError } from './command-timeout.error';
import { type ServerCommandOptions, connectForCommand } from './connection.options';

/** Added to the connect phase's deadline so that nats.js' own connect timeout, which says why, wins. */
const CONNECT_GRACE_MS = 1_000;
/** How long closing may take before the connection is abandoned (the process exits anyway). */
const CLOSE_TIMEOUT_MS = 1_000;

/**
 * Connects, runs `fn`, and always closes the connection. `--timeout` bounds the connect and then
 * the work (`deadline.extend` pushes it back for work that shows progress, such as a paced
 * replay); past it the command rejects with `CommandTimeoutError` naming the server.
 */
export async function withCommandConnection<T>(
  options: ServerCommandOptions,
  fn: (nc: NatsConnection, deadline: Deadline) => Promise<T>,
): Promise<T> {
  let nc: NatsConnection | undefined;
  let stopped = false;
  try {
    return await withDeadline(
      options.timeout + CONNECT_GRACE_MS,
      () => new CommandTimeoutError(options.server, options.timeout),
      async (deadline) => {
        const connected = await connectForCommand(options);
        if (stopped) {
          // The deadline passed while connecting: nobody will use (or close) this one.
          void closeBounded(connected);
          throw deadline.signal.reason;
        }
        nc = connected;
        deadline.extend(options.timeout);
        return fn(connected, deadline);
      },
    );
  } finally {
    stopped = true;
    if (nc) await closeBounded(nc);
  }
}

async function closeBounded(nc: NatsConnection): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    nc.close().catch(() => undefined),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_TIMEOUT_MS))),
  ]);
  clearTimeout(timer);
}
