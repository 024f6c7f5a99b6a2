/**
 * An auth command ran past its `--timeout` (connecting, or pushing): it was stopped before writing
 * anything, and its connection closed.
 */
export class AuthCommandTimeoutError extends Error {
  constructor(
    readonly server: string,
    readonly timeoutMs: number,
    readonly phase: 'connect' | 'work',
  ) {
    super(
      phase === 'connect'
        ? `cannot connect to ${server}: no NATS server answered within ${timeoutMs} ms (--timeout)`
        : `no answer from ${server} within ${timeoutMs} ms (--timeout): stopped, nothing written`,
    );
    this.name = 'AuthCommandTimeoutError';
  }
}
