/** The `openssl` command line tool, needed by createTestPki(), is not installed. */
export class OpensslNotFoundError extends Error {
  constructor(
    readonly binary: string,
    options?: { cause?: unknown },
  ) {
    super(
      `openssl not found (${binary}); createTestPki() needs the openssl command line tool: ` +
        '`apt-get install openssl`, or pass its path as the `openssl` option.',
      options,
    );
    this.name = new.target.name;
  }
}
