import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Every file under `roots` (and each root itself when it is a file) with its mode and a hash of its
 * content, sorted: two equal results mean nothing was written, created, removed or re-moded.
 * Directories are listed with their mode too, so an empty directory left behind shows.
 */
export async function hashTree(...roots: string[]): Promise<string[]> {
  const out: string[] = [];
  const visit = async (path: string): Promise<void> => {
    let info;
    try {
      info = await lstat(path);
    } catch {
      return;
    }
    const mode = (info.mode & 0o7777).toString(8);
    if (info.isDirectory()) {
      out.push(`${path}/ ${mode}`);
      for (const name of await readdir(path)) await visit(join(path, name));
    } else if (info.isSymbolicLink()) {
      out.push(`${path} -> ${await readlink(path)}`);
    } else if (info.isFile()) {
      out.push(
        `${path} ${mode} ${createHash('sha256')
          .update(await readFile(path))
          .digest('hex')}`,
      );
    } else {
      out.push(`${path} special`);
    }
  };
  for (const root of roots) await visit(root);
  return out.sort();
}
