import { readFile } from 'node:fs/promises';

// Node's codes in the words an operator needs; anything else keeps Node's own message.
const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a parent of it is not a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
};

/** Largest file an option may name: creds and PEM files are a few KB; anything bigger is a mistake. */
export const OPTION_FILE_MAX_BYTES = 1024 * 1024;

/**
 * The file an option names (`what`: "creds file", "TLS CA file"…), or an error that fits on one line
 * and names the path: "cannot read creds file ./x.creds: no such file".
 */
export async function readOptionFile(path: string, what: string): Promise<Buffer> {
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    const reason = REASONS[code] ?? (e as Error).message;
    throw new Error(`cannot read ${what} ${path}: ${reason}`, { cause: e });
  }
  if (data.byteLength > OPTION_FILE_MAX_BYTES)
    throw new Error(`cannot read ${what} ${path}: larger than ${OPTION_FILE_MAX_BYTES} bytes`);
  return data;
}
