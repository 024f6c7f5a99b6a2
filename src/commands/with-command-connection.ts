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
        try {
          return await fn(connected, deadline);
        } catch (e) {
          throw inboxRefusal(e, options) ?? serverProblem(e, options) ?? e;
        }
      },
    );
  } finally {
    stopped = true;
    if (nc) await closeBounded(nc);
  }
}

/** Closes the connection, waiting at most a second: a dead server must not hold the command open. */
export async function closeBounded(nc: NatsConnection): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    nc.close().catch(() => undefined),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_TIMEOUT_MS))),
  ]);
  clearTimeout(timer);
}

/**
 * The server's refusal of the reply inbox, with what to do about it: least-privilege users may only
 * receive replies under their own prefix (`_INBOX_<user>`), and every JetStream call needs replies.
 */
function inboxRefusal(e: unknown, options: ServerCommandOptions): Error | undefined {
  const inbox = `${options.inboxPrefix ?? '_INBOX'}.`;
  for (let cur = e, depth = 0; cur instanceof Error && depth < 8; cur = cur.cause, depth++) {
    const v = cur as Error & { operation?: string; subject?: string };
    if (cur.name !== 'PermissionViolationError' || v.operation !== 'subscription') continue;
    if (!v.subject?.startsWith(inbox)) continue;
    return new Error(
      `${options.server} does not let this user receive replies on "${v.subject}": pass the inbox ` +
        `prefix its permissions allow with --inbox-prefix (or NATS_INBOX_PREFIX), e.g. _INBOX_<user>`,
      { cause: e },
    );
  }
  return undefined;
}

/**
 * nats.js' bare words for a server that stopped answering or has no JetStream ("timeout", "jetstream
 * is not enabled"), with the server they are about and the option that sets the limit.
 */
function serverProblem(e: unknown, options: ServerCommandOptions): Error | undefined {
  if (!(e instanceof Error)) return undefined;
  const text = e.message.toLowerCase();
  if (e.name === 'TimeoutError' || text === 'timeout')
    return new Error(`no reply from ${options.server} within ${options.timeout} ms (--timeout)`, {
      cause: e,
    });
  if (text.includes('jetstream is not enabled') || e.name === 'JetStreamNotEnabled')
    return new Error(`JetStream is not enabled at ${options.server} (nats-server -js) for this account`, {
      cause: e,
    });
  if (e.name === 'ClosedConnectionError' || text.includes('connection closed'))
    return new Error(`${options.server} closed the connection: ${e.message}`, { cause: e });
  return undefined;
}
