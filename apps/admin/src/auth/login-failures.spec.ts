import { LoginFailures } from './login-failures';

describe('LoginFailures', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000_000;
  });

  /** One whole attempt: admitted (0) or refused (ms to wait); admitted ones settle as `ok`. */
  const attempt = (f: LoginFailures, name: string, ok = false): number => {
    const wait = f.admit(name);
    if (wait === 0) f.settle(name, ok);
    return wait;
  };

  it('refuses a name after `max` failures within the window, until the oldest is a window old', () => {
    const f = new LoginFailures(3, 60_000, clock);
    expect(attempt(f, 'alice')).toBe(0);
    now += 10_000;
    expect(attempt(f, 'alice')).toBe(0);
    now += 10_000;
    expect(attempt(f, 'alice')).toBe(0);
    // Even the right password is refused now; the first failure ages out 40 s from here.
    now += 1_000;
    expect(f.admit('alice')).toBe(39_000);
    now += 39_000;
    expect(attempt(f, 'alice', true)).toBe(0);
  });

  it('forgets a name on success, and counts each name on its own', () => {
    const f = new LoginFailures(2, 60_000, clock);
    expect(attempt(f, 'alice')).toBe(0);
    expect(attempt(f, 'alice', true)).toBe(0);
    expect(attempt(f, 'alice')).toBe(0);
    expect(attempt(f, 'bob')).toBe(0);
    expect(attempt(f, 'bob')).toBe(0);
    expect(f.admit('bob')).toBeGreaterThan(0);
    expect(attempt(f, 'alice')).toBe(0);
    expect(f.admit('alice')).toBeGreaterThan(0);
  });

  it('counts attempts still checking their password, so parallel guesses cannot pass the limit', () => {
    const f = new LoginFailures(2, 60_000, clock);
    expect([f.admit('alice'), f.admit('alice')]).toEqual([0, 0]);
    // Both still hashing: a third waits for them, about the time one check takes.
    expect(f.admit('alice')).toBe(1000);
    f.settle('alice', false);
    f.settle('alice', false);
    expect(f.admit('alice')).toBe(60_000);
  });

  it('keeps a sliding window: old failures stop counting', () => {
    const f = new LoginFailures(2, 60_000, clock);
    expect(attempt(f, 'alice')).toBe(0);
    now += 59_000;
    expect(attempt(f, 'alice')).toBe(0);
    expect(f.admit('alice')).toBe(1_000);
    now += 1_000;
    expect(attempt(f, 'alice')).toBe(0);
    expect(f.admit('alice')).toBe(59_000);
  });

  it('tracks a bounded number of names, dropping the least recently failed', () => {
    const f = new LoginFailures(1, 60_000, clock, 3);
    for (const name of ['a', 'b', 'c', 'd']) expect(attempt(f, name)).toBe(0);
    expect(f.size).toBe(3);
    // 'a' was dropped, so it may try again; 'd' may not.
    expect(f.admit('d')).toBeGreaterThan(0);
    expect(f.admit('a')).toBe(0);
  });
});
