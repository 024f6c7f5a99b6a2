import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type PreviousJwts } from '../compiler/compiled-policy.types';
import { AuthFileError } from '../errors/auth-file.error';
import { authPaths } from './auth-paths';

// ENOTDIR too: a `--dir` under a file has no previous compile (writing there fails, naming it).
const isAbsent = (e: unknown): boolean =>
  ['ENOENT', 'ENOTDIR'].includes((e as NodeJS.ErrnoException | null)?.code ?? '');

async function read(file: string): Promise<string | undefined> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (e) {
    if (isAbsent(e)) return undefined;
    throw AuthFileError.from(e, 'read', file);
  }
}

async function names(dir: string, pick: 'files' | 'dirs'): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => (pick === 'dirs' ? e.isDirectory() : e.isFile())).map((e) => e.name);
  } catch (e) {
    if (isAbsent(e)) return [];
    throw AuthFileError.from(e, 'list', dir);
  }
}

/** The JWTs a previous `writeArtifacts` left in `dir` (none when it is new). */
export async function readPreviousJwts(dir: string): Promise<PreviousJwts> {
  const paths = authPaths(dir);
  const accounts: Record<string, string> = {};
  for (const f of await names(join(paths.jwt, 'accounts'), 'files')) {
    if (!f.endsWith('.jwt')) continue;
    const jwt = await read(join(paths.jwt, 'accounts', f));
    if (jwt) accounts[f.slice(0, -4)] = jwt;
  }
  const users: Record<string, string> = {};
  for (const account of await names(join(paths.jwt, 'users'), 'dirs')) {
    for (const f of await names(join(paths.jwt, 'users', account), 'files')) {
      if (!f.endsWith('.jwt')) continue;
      const jwt = await read(join(paths.jwt, 'users', account, f));
      if (jwt) users[`${account}/${f.slice(0, -4)}`] = jwt;
    }
  }
  const previous: PreviousJwts = { accounts, users };
  const operator = await read(paths.operatorJwt);
  if (operator) previous.operator = operator;
  return previous;
}
