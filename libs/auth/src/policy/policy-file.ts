import { stat } from 'node:fs/promises';
import { type Document, isMap, isScalar, parseDocument } from 'yaml';
import { PolicyError } from '../errors/policy.error';
import { writeFileAtomic } from '../files/write-file-atomic';
import { PolicyValidationError } from '../errors/policy-validation.error';
import { type AuthPolicy } from './auth-policy.types';
import { parsePolicy, readPolicyText } from './load-policy';
import { type UserDocument } from './policy-document.types';

const isJson = (file: string): boolean => file.toLowerCase().endsWith('.json');

/** A policy file's new text, validated, not yet written: `writePolicyEdit` writes it. */
export interface PolicyEdit {
  file: string;
  text: string;
  policy: AuthPolicy;
}

/**
 * Edits a policy file's text in memory, keeping its comments and layout (YAML), and validates the
 * result: an edit that would make the policy invalid throws. Nothing is written, so a caller can
 * compile and push first and write only once that worked.
 */
async function editPolicy(file: string, edit: (doc: Document) => void): Promise<PolicyEdit> {
  const doc = parseDocument(await readPolicyText(file));
  if (doc.errors.length) parsePolicy(doc.toString(), { source: file });
  edit(doc);
  const text = isJson(file)
    ? `${JSON.stringify(doc.toJS(), null, 2)}\n`
    : doc.toString({ flowCollectionPadding: false });
  return { file, text, policy: parsePolicy(text, { source: file }) };
}

/** Replaces the policy file with the edit's text, atomically (temp file, fsync, rename). */
export async function writePolicyEdit(edit: PolicyEdit): Promise<void> {
  // Keep the file's mode: a policy is not secret, but the owner may have tightened it.
  let mode = 0o644;
  try {
    mode = (await stat(edit.file)).mode & 0o777;
  } catch {
    // A new file.
  }
  await writeFileAtomic(edit.file, edit.text, { mode });
}

function fail(path: (string | number)[], detail: string, source: string): never {
  throw new PolicyValidationError([new PolicyError(path, detail)], source);
}

/** Adds `user` to `account` in the policy file; returns the new policy. */
export async function addUserToPolicyFile(
  file: string,
  account: string,
  user: string,
  definition: UserDocument,
): Promise<AuthPolicy> {
  const edit = await policyWithUser(file, account, user, definition);
  await writePolicyEdit(edit);
  return edit.policy;
}

/** Removes `user` from `account` in the policy file; returns the new policy. */
export async function removeUserFromPolicyFile(
  file: string,
  account: string,
  user: string,
): Promise<AuthPolicy> {
  const edit = await policyWithoutUser(file, account, user);
  await writePolicyEdit(edit);
  return edit.policy;
}

/** The policy file with `user` added to `account`, validated, not written. */
export function policyWithUser(
  file: string,
  account: string,
  user: string,
  definition: UserDocument,
): Promise<PolicyEdit> {
  return editPolicy(file, (doc) => {
    const accounts = doc.get('accounts');
    if (!isMap(accounts) || !accounts.has(account)) {
      const known = isMap(accounts)
        ? accounts.items.map((p) => String(isScalar(p.key) ? p.key.value : p.key))
        : [];
      fail(
        ['accounts', account],
        `unknown account "${account}" (accounts: ${known.join(', ') || 'none'})`,
        file,
      );
    }
    if (!isMap(doc.getIn(['accounts', account]))) doc.setIn(['accounts', account], doc.createNode({}));
    if (!isMap(doc.getIn(['accounts', account, 'users'])))
      doc.setIn(['accounts', account, 'users'], doc.createNode({}));
    if (doc.hasIn(['accounts', account, 'users', user])) {
      fail(['accounts', account, 'users', user], `user "${user}" already exists`, file);
    }
    const plain: Record<string, unknown> = { ...definition };
    if (definition.expires instanceof Date) plain.expires = definition.expires.toISOString();
    doc.setIn(['accounts', account, 'users', user], doc.createNode(plain));
  });
}

/** The policy file without `user` of `account`, validated, not written. */
export function policyWithoutUser(file: string, account: string, user: string): Promise<PolicyEdit> {
  return editPolicy(file, (doc) => {
    if (!doc.hasIn(['accounts', account, 'users', user])) {
      fail(['accounts', account, 'users', user], `no user "${user}" in account ${account}`, file);
    }
    doc.deleteIn(['accounts', account, 'users', user]);
  });
}
