/** A location in a policy document: object keys and array indexes from the root. */
export type PolicyPath = readonly (string | number)[];

/** `['accounts', 'ORDERS', 'users', 'billing', 'roles', 1]` → `accounts.ORDERS.users.billing.roles[1]`. */
export function formatPolicyPath(path: PolicyPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z0-9_$-]+$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
