/** No nats-server binary could be found; the message says how to install one. */
export class NatsServerNotFoundError extends Error {
  constructor(
    /** Every path or name that was tried, in order. */
    readonly tried: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(
      `nats-server binary not found (tried: ${tried.join(', ')}). Install it with ` +
        '`apt-get install nats-server` (Debian/Ubuntu) or from https://github.com/nats-io/nats-server/releases, ' +
        'or set NATS_SERVER_BIN to the path of the binary.',
      options,
    );
    this.name = new.target.name;
  }
}
