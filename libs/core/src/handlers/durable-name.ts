const INVALID = /[\s.*>/\\]/;

export const isValidDurableName = (name: string): boolean => name.length > 0 && !INVALID.test(name);

/**
 * `orders` + `orders.created` → `orders_orders-created`. Stable across restarts (instances of one
 * service share it); `*` and `>` get words because consumer names may not contain them.
 */
export function deriveDurableName(serviceName: string, subject: string): string {
  const token = subject
    .split('.')
    .map((t) => (t === '*' ? 'any' : t === '>' ? 'all' : t))
    .join('-');
  return `${serviceName}_${token}`.replace(/[\s/\\]/g, '_');
}
