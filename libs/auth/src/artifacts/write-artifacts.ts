import { chmod, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fmtCreds } from '@nats-io/jwt';
import { type CompiledPolicy } from '../compiler/compiled-policy.types';
import { KEY_DIR_MODE, type KeyStore, SEED_FILE_MODE } from '../keystore/key-store';
import { renderServerConfig, type ServerConfigOptions } from '../server-config/render-server-config';
import { type AuthPaths, authPaths } from './auth-paths';

export interface WriteArtifactsOptions extends Partial<ServerConfigOptions> {
  /** @default `<dir>/resolver` */
  resolverDir?: string;
}

export interface WrittenArtifacts {
  paths: AuthPaths;
  /** Creds files written, by `ACCOUNT/user`. */
  creds: Record<string, string>;
  /** Creds files deleted because their user is gone (left the policy or was revoked). */
  removedCreds: string[];
}

async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  mode: number,
  dirMode = 0o755,
): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: dirMode });
  await chmod(dirname(file), dirMode);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, data, { mode });
  await chmod(tmp, mode);
  await rename(tmp, file);
}

async function listFiles(dir: string, suffix: string): Promise<string[]> {
  try {
    const out: string[] = [];
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) out.push(...(await listFiles(p, suffix)));
      else if (e.name.endsWith(suffix)) out.push(p);
    }
    return out;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

/**
 * Writes a compiled policy into an auth directory: `jwt/` (operator, accounts, users),
 * `creds/<ACCOUNT>/<user>.creds` (0600 in 0700 directories: they hold the user's seed) and
 * `server-auth.conf`. Creds and JWTs of users that are no longer compiled are deleted.
 */
export async function writeArtifacts(
  compiled: CompiledPolicy,
  keys: KeyStore,
  dir: string,
  options: WriteArtifactsOptions = {},
): Promise<WrittenArtifacts> {
  const paths = authPaths(dir);
  await mkdir(paths.root, { recursive: true, mode: KEY_DIR_MODE });
  await writeFileAtomic(paths.operatorJwt, `${compiled.operator.jwt}\n`, 0o644);
  for (const a of compiled.accounts) await writeFileAtomic(paths.accountJwt(a.name), `${a.jwt}\n`, 0o644);

  await mkdir(paths.credsDir, { recursive: true, mode: KEY_DIR_MODE });
  await chmod(paths.credsDir, KEY_DIR_MODE);
  const creds: Record<string, string> = {};
  for (const u of compiled.users) {
    await writeFileAtomic(paths.userJwt(u.account, u.name), `${u.jwt}\n`, 0o644);
    const file = paths.creds(u.account, u.name);
    await writeFileAtomic(
      file,
      fmtCreds(u.jwt, await keys.user(u.account, u.name)),
      SEED_FILE_MODE,
      KEY_DIR_MODE,
    );
    creds[`${u.account}/${u.name}`] = file;
  }

  const keep = new Set(Object.values(creds));
  const removedCreds: string[] = [];
  for (const file of await listFiles(paths.credsDir, '.creds')) {
    if (!keep.has(file)) {
      await rm(file, { force: true });
      removedCreds.push(file);
    }
  }
  const keepJwt = new Set(compiled.users.map((u) => paths.userJwt(u.account, u.name)));
  for (const file of await listFiles(join(paths.jwt, 'users'), '.jwt')) {
    if (!keepJwt.has(file)) await rm(file, { force: true });
  }

  const config = renderServerConfig(compiled, {
    ...options,
    resolverDir: options.resolverDir ?? paths.resolver,
  });
  await writeFileAtomic(paths.serverConfig, config, 0o644);
  return { paths, creds, removedCreds };
}
