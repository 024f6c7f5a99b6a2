import { type SessionData } from 'express-session';
import { SessionMemoryStore } from './session-memory-store';

const session = (expires: number, name = 'alice'): SessionData =>
  ({
    cookie: { expires: new Date(expires), originalMaxAge: 1000 },
    principal: { name, role: 'viewer', via: 'password' },
  }) as SessionData;

function read(store: SessionMemoryStore, sid: string): SessionData | null | undefined {
  let found: SessionData | null | undefined;
  store.get(sid, (_e, s) => (found = s));
  return found;
}

describe('SessionMemoryStore', () => {
  it('gives back a copy of what was stored, until it is destroyed', () => {
    const store = new SessionMemoryStore(60_000, 10, () => 1000);
    const stored = session(5000);
    store.set('a', stored);
    stored.principal = { name: 'mallory', role: 'admin', via: 'password' };
    expect(read(store, 'a')?.principal).toEqual({ name: 'alice', role: 'viewer', via: 'password' });
    store.destroy('a');
    expect(read(store, 'a')).toBeNull();
  });

  it('forgets a session once its cookie expires; touch moves the expiry', () => {
    let now = 1000;
    const store = new SessionMemoryStore(60_000, 10, () => now);
    store.set('a', session(2000));
    store.set('b', session(2000));
    store.touch('b', session(9000));
    now = 2000;
    expect(read(store, 'a')).toBeNull();
    expect(read(store, 'b')?.principal?.name).toBe('alice');
    expect(store.size).toBe(1);
  });

  it('holds at most `max` sessions, dropping the least recently used', () => {
    const store = new SessionMemoryStore(60_000, 2, () => 1000);
    store.set('a', session(5000, 'a'));
    store.set('b', session(5000, 'b'));
    read(store, 'a');
    store.set('c', session(5000, 'c'));
    expect(
      [read(store, 'a'), read(store, 'b'), read(store, 'c')].map((s) => s?.principal?.name ?? null),
    ).toEqual(['a', null, 'c']);
  });
});
