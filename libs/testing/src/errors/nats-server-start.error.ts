/** nats-server exited, or did not become ready in time, while starting. */
export class NatsServerStartError extends Error {
  constructor(
    reason: string,
    /** Exit code of the server process, `null` if it was killed by a signal or is still running. */
    readonly exitCode: number | null,
    /** The last lines the server wrote (stderr and its log file) during this start. */
    readonly logTail: string,
    /** The generated config file, useful to reproduce the failure by hand. */
    readonly configFile: string,
    options?: { cause?: unknown },
  ) {
    super(
      `${reason} (exit code ${exitCode ?? 'none'}, config ${configFile})\n` +
        `--- nats-server log tail ---\n${logTail || '(empty)'}`,
      options,
    );
    this.name = new.target.name;
  }
}
