/** Where `hash-password` reads the password: a terminal prompt without echo, or piped stdin. */
export interface SecretInput {
  /** True when a person types at a terminal (then `prompt` is used, else `readAll`). */
  isTerminal(): boolean;
  /** Asks on stderr and reads one line without echoing it. */
  prompt(question: string): Promise<string>;
  /** All of stdin, as UTF-8. */
  readAll(): Promise<string>;
}

/** Ctrl-C, Ctrl-D, backspace and delete, as a terminal in raw mode sends them. */
const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const BACKSPACE = new Set(['\u0008', '\u007f']);

/**
 * Reads a line from the terminal in raw mode: nothing typed is echoed (no characters, no stars),
 * backspace edits, Enter ends, Ctrl-C aborts. The terminal's mode is restored whatever happens.
 */
function promptWithoutEcho(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  return new Promise((resolve, reject) => {
    let line = '';
    const done = (error?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(line);
    };
    const onData = (chunk: Buffer) => {
      for (const c of chunk.toString('utf8')) {
        if (c === CTRL_C) return done(new Error('cancelled'));
        if (c === '\r' || c === '\n' || c === CTRL_D) return done();
        if (BACKSPACE.has(c)) line = line.slice(0, -1);
        else line += c;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export const processSecretInput: SecretInput = {
  isTerminal: () => Boolean(process.stdin.isTTY),
  prompt: promptWithoutEcho,
  readAll: readStdin,
};
