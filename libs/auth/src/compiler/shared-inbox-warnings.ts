import { type AuthPolicy } from '../policy/auth-policy.types';
import { DEFAULT_INBOX_PREFIX } from '../roles/role-defaults';

/**
 * Users that get the default inbox `_INBOX.>` (a role with `inbox`, no `inboxPrefix`) share it
 * with every such user of their account: each may subscribe to the others' replies, PubAcks
 * included. One warning per account where two or more users share it, naming them and the fix.
 */
export function sharedInboxWarnings(policy: AuthPolicy): string[] {
  const warnings: string[] = [];
  for (const account of policy.accounts) {
    const roles = { ...policy.roles, ...account.roles };
    const sharing = account.users
      .filter((u) => u.inboxPrefix === undefined && u.roles.some((r) => roles[r]?.inbox))
      .map((u) => u.name);
    if (sharing.length < 2) continue;
    warnings.push(
      `users ${sharing.join(', ')} of account ${account.name} share the inbox ${DEFAULT_INBOX_PREFIX}.> ` +
        `(no inboxPrefix): each can read the others' replies and PubAcks; give each its own ` +
        `inboxPrefix (e.g. inboxPrefix: ${DEFAULT_INBOX_PREFIX}_${sharing[0]}) and connect with it`,
    );
  }
  return warnings;
}
