import { type FileHandle, open, stat } from 'node:fs/promises';
import { type Document, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { AuthFileError } from '../errors/auth-file.error';
import { PolicyError, type PolicyLocation } from '../errors/policy.error';
import { PolicyValidationError } from '../errors/policy-validation.error';
import { type AuthPolicy } from './auth-policy.types';
import { type PolicyPath } from './policy-path';
import { validatePolicy } from './validate-policy';

/** What a duplicated key is, named after the map it sits in. */
const KEY_NOUNS: Record<string, string> = { accounts: 'account', users: 'user', roles: 'role' };

function locate(lineCounter: LineCounter, offset: number, source?: string): PolicyLocation {
  const { line, col } = lineCounter.linePos(offset);
  return { ...(source !== undefined ? { source } : {}), line, column: col };
}

/**
 * YAML (and JSON, which the YAML parser reads too) keeps the last of duplicated keys without a
 * word; in a security policy a second `billing:` silently replacing the first is a bug, so report it.
 */
function findDuplicateKeys(
  node: unknown,
  path: PolicyPath,
  onDuplicate: (path: PolicyPath, key: string, offset: number) => void,
): void {
  if (isMap(node)) {
    const seen = new Set<string>();
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (seen.has(key)) onDuplicate([...path, key], key, (pair.key as Node | null)?.range?.[0] ?? 0);
      seen.add(key);
      findDuplicateKeys(pair.value, [...path, key], onDuplicate);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => findDuplicateKeys(item, [...path, i], onDuplicate));
  }
}

/** The node an error path points at, or its nearest existing ancestor. */
function nodeOffset(document: Document, path: PolicyPath): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? document.contents : document.getIn(path.slice(0, n), true);
    const range = (node as Node | null | undefined)?.range;
    if (range) return range[0];
  }
  return undefined;
}

/** Parses policy text (YAML or JSON) and validates it; errors carry `line:column` of the bad value. */
export function parsePolicy(text: string, options: { source?: string } = {}): AuthPolicy {
  const { source } = options;
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  if (document.errors.length) {
    const errors = document.errors.map(
      (e) =>
        new PolicyError([], `syntax error: ${e.message.split('\n')[0]}`, {
          location: locate(lineCounter, e.pos[0], source),
        }),
    );
    throw new PolicyValidationError(errors, source);
  }
  const duplicates: PolicyError[] = [];
  findDuplicateKeys(document.contents, [], (path, key, offset) => {
    const noun = KEY_NOUNS[String(path[path.length - 2])] ?? 'key';
    duplicates.push(
      new PolicyError(path, `duplicate ${noun} "${key}"`, { location: locate(lineCounter, offset, source) }),
    );
  });
  let input: unknown;
  try {
    input = document.toJS();
  } catch (e) {
    // The yaml library refuses alias bombs ("Excessive alias count…") and the like here.
    throw new PolicyValidationError([new PolicyError([], `cannot read: ${(e as Error).message}`)], source);
  }
  let policy: AuthPolicy | undefined;
  let errors: PolicyError[] = [];
  try {
    policy = validatePolicy(input, { source });
  } catch (e) {
    if (!(e instanceof PolicyValidationError)) throw e;
    errors = [...e.errors];
  }
  for (const err of errors) {
    const offset = nodeOffset(document, err.segments);
    if (offset !== undefined) err.location = locate(lineCounter, offset, source);
  }
  const all = [...duplicates, ...errors];
  if (all.length || !policy) {
    const line = (e: PolicyError): number => e.location?.line ?? 0;
    const column = (e: PolicyError): number => e.location?.column ?? 0;
    throw new PolicyValidationError(
      all.sort((a, b) => line(a) - line(b) || column(a) - column(b)),
      source,
    );
  }
  return policy;
}

/**
 * Largest policy file read: a real one is a few KB; a multi-megabyte one is a mistake (or an attack)
 * that would only make the YAML parser spin.
 */
export const MAX_POLICY_BYTES = 1024 * 1024;

/**
 * Reads a policy file's text; a missing, unreadable, special (a FIFO would block, /dev/zero never
 * ends) or oversized file is one line naming it.
 */
export async function readPolicyText(file: string): Promise<string> {
  let handle: FileHandle | undefined;
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw new AuthFileError('read policy', file, 'it is a directory');
    if (!info.isFile()) throw new AuthFileError('read policy', file, 'it is not a regular file');
    handle = await open(file, 'r');
    // Bounded even if the file grows after stat.
    const buffer = Buffer.alloc(MAX_POLICY_BYTES + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > MAX_POLICY_BYTES) {
        throw new AuthFileError('read policy', file, `larger than ${MAX_POLICY_BYTES} bytes`);
      }
    }
    return buffer.subarray(0, length).toString('utf8');
  } catch (e) {
    throw AuthFileError.from(e, 'read policy', file);
  } finally {
    await handle?.close();
  }
}

/** Reads and validates a policy file (`.yaml`, `.yml` or `.json`). */
export async function loadPolicy(file: string): Promise<AuthPolicy> {
  return parsePolicy(await readPolicyText(file), { source: file });
}
