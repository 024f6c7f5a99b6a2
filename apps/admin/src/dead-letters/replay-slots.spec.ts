import { ReplayLimitException } from './replay-limit.exception';
import { ReplaySlots } from './replay-slots';

describe('ReplaySlots', () => {
  it('counts a caller by name and sign-in, so a token and an OIDC user of one name are two callers', () => {
    const slots = new ReplaySlots({ perActor: 1, total: 3 });
    slots.take({ name: 'ops', via: 'token' });
    expect(() => slots.take({ name: 'ops', via: 'token' })).toThrow(ReplayLimitException);
    expect(() => slots.take({ name: 'ops', via: 'oidc' })).not.toThrow();
    expect(slots.size).toBe(2);
  });

  it('refuses past the total, and a released slot is free again once', () => {
    const slots = new ReplaySlots({ perActor: 2, total: 2 });
    const first = slots.take({ name: 'a', via: 'password' });
    slots.take({ name: 'b', via: 'password' });
    expect(() => slots.take({ name: 'c', via: 'password' })).toThrow(
      '2 bulk replays are running, the most this app runs at once (bulkReplayLimit.total)',
    );
    first.release();
    first.release();
    expect(slots.size).toBe(1);
    slots.take({ name: 'c', via: 'password' });
    expect(() => slots.take({ name: 'd', via: 'password' })).toThrow(ReplayLimitException);
  });
});
