/** An openssl command run by createTestPki() failed; the message carries openssl's stderr. */
export class TestPkiError extends Error {
  constructor(
    readonly command: string,
    readonly stderr: string,
    options?: { cause?: unknown },
  ) {
    super(`${command} failed: ${stderr.trim() || 'no output'}`, options);
    this.name = new.target.name;
  }
}
