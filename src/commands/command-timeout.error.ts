/** A command ran past its `--timeout` deadline; it was stopped and its connection closed. */
export class CommandTimeoutError extends Error {
  constructor(
    readonly server: string,
    readonly timeoutMs: number,
  ) {
    super(`no answer from ${server} within ${timeoutMs} ms (--timeout): the command was stopped`);
    this.name = 'CommandTimeoutError';
  }
}
