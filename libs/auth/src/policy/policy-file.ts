import { readFile, rename, writeFile } from 'node:fs/promises';
import { type Document, isMap, isScalar, parseDocument } from 'yaml';
import { PolicyError } from '../errors/policy.error';
import { PolicyValidationError } from '../errors/policy-validation.error';
import { type AuthPolicy } from './auth-policy.types';
import { parsePolicy } from './load-policy';
import { type UserDocument } from './policy-document.types';

const isJson = (file: string): boolean => file.toLowerCase().endsWith('.json');

/**
 * Edits a policy file in place, keeping its comments and layout (YAML) and validating the result
 * before writing: an edit that would make the policy invalid throws and leaves the file alone.
 */
async function editPolicyFile(file: string, edit: (doc: Document) => void): Promise<AuthPolicy> {
  const doc = parseDocument(await readFile(file, 'utf8'));
  if (doc.errors.length) parsePolicy(doc.toString(), { source: file });
  edit(doc);
  const text = isJson(file)
    ? `${JSON.stringify(doc.toJS(), null, 2)}\n`
    : doc.toString({ flowCollectionPadding: false });
  const policy = parsePolicy(text, { source: file });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, file);
  return policy;
}

function fail(path: (string | number)[], detail: string, source: string): never {
  throw new PolicyValidationError([new PolicyError(path, detail)], source);
}

/** Adds `user` to `account` in the policy file; returns the new policy. */
export function addUserToPolicyFile(
  file: string,
  account: string,
  user: string,
  definition: UserDocument,
): Promise<AuthPolicy> {
  return editPolicyFile(file, (doc) => {
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

/** Removes `user` from `account` in the policy file; returns the new policy. */
export function removeUserFromPolicyFile(file: string, account: string, user: string): Promise<AuthPolicy> {
  return editPolicyFile(file, (doc) => {
    if (!doc.hasIn(['accounts', account, 'users', user])) {
      fail(['accounts', account, 'users', user], `no user "${user}" in account ${account}`, file);
    }
    doc.deleteIn(['accounts', account, 'users', user]);
  });
}
