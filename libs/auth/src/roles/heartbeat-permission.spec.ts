// Not in @jetbus/core's public API: how it keys a process's heartbeat.
import { workerKey } from '../../../core/src/workers/workers-bucket';
import { WORKERS_BUCKET, workerHeartbeatSubject } from './role-defaults';

describe("a worker's heartbeat permission", () => {
  it.each(['orders', 'billing-eu_2', 'odd.name >'])(
    'covers the keys @jetbus/core writes for user %p, and no other user',
    (user) => {
      const key = workerKey({ user, host: 'web.1', pid: 7, random: 'ab' });
      const granted = workerHeartbeatSubject(user);
      // One token for the user, then `>`: the user's keys and nothing else.
      expect(granted.split('.')).toHaveLength(4);
      expect(granted.endsWith('.>')).toBe(true);
      expect(`$KV.${WORKERS_BUCKET}.${key}`.startsWith(granted.slice(0, -1))).toBe(true);
      expect(
        `$KV.${WORKERS_BUCKET}.${workerKey({ user: `${user}x`, host: 'h', pid: 1, random: 'ab' })}`,
      ).not.toMatch(new RegExp(`^${granted.slice(0, -1).replace(/[$.]/g, '\\$&')}`));
    },
  );
});
