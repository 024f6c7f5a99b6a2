/** The deadline of a running command: work that makes progress pushes it back. */
export interface Deadline {
  /** Aborted when the deadline passes. */
  readonly signal: AbortSignal;
  /** The deadline is now `ms` from now (earlier or later than it was); `Infinity` lifts it. */
  extend(ms: number): void;
}

/**
 * Runs `fn`, rejecting with `expired()` if it is still running `ms` from now (or from the last
 * `extend`). `fn` is not cancelled (JavaScript cannot); it sees `signal` aborted, and the caller
 * closes what `fn` opened, so nothing it left pending keeps the process alive.
 */
export async function withDeadline<T>(
  ms: number,
  expired: () => Error,
  fn: (deadline: Deadline) => Promise<T>,
): Promise<T> {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let reject!: (e: Error) => void;
  const timedOut = new Promise<never>((_, r) => (reject = r));
  const arm = (after: number) => {
    clearTimeout(timer);
    if (after === Number.POSITIVE_INFINITY) return;
    timer = setTimeout(() => {
      const error = expired();
      abort.abort(error);
      reject(error);
    }, after);
  };
  arm(ms);
  const deadline: Deadline = { signal: abort.signal, extend: (after) => !abort.signal.aborted && arm(after) };
  try {
    return await Promise.race([fn(deadline), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
