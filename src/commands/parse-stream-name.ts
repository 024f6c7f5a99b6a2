import { UsageError } from './usage.error';

// What nats-server accepts as a stream name: no whitespace, wildcards, dots or path separators.
const STREAM_NAME = /^[^\s.*>/\\]{1,255}$/;

/** A stream name from the command line (`what`: the argument or option), or a `UsageError` naming it. */
export function parseStreamName(value: string, what: string): string {
  // eslint-disable-next-line no-control-regex
  if (!STREAM_NAME.test(value) || /[\u0000-\u001f\u007f]/.test(value))
    throw new UsageError(
      `${what} must be a stream name (no spaces, ".", "*", ">", "/" or "\\\\"), got "${value}"`,
    );
  return value;
}
