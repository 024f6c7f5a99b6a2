import { type ResolvedAdminOptions } from '../options/resolve-admin-options';
import { LocalUsersService } from './local-users.service';
import * as passwordHash from './password-hash';

// The real functions, watched: which hash an unknown name is checked against is the point here.
jest.mock('./password-hash', () => {
  const actual = jest.requireActual<typeof import('./password-hash')>('./password-hash');
  return {
    ...actual,
    hashPassword: jest.fn(actual.hashPassword),
    verifyPassword: jest.fn(actual.verifyPassword),
  };
});
const verify = jest.mocked(passwordHash.verifyPassword);
const hash = jest.mocked(passwordHash.hashPassword);

describe('LocalUsersService', () => {
  let aliceHash = '';
  beforeAll(async () => (aliceHash = await passwordHash.hashPassword('alice password')));
  const service = () =>
    new LocalUsersService({
      users: [{ name: 'alice', role: 'operator', passwordHash: aliceHash }],
    } as ResolvedAdminOptions);

  it('signs a user in with their password only', async () => {
    const users = service();
    await users.onModuleInit();
    expect(await users.authenticate('alice', 'alice password')).toEqual({
      name: 'alice',
      role: 'operator',
      via: 'password',
    });
    expect(await users.authenticate('alice', 'wrong')).toBeUndefined();
  });

  it('checks an unknown name against a decoy scrypt hash made at startup, so it costs one hash too', async () => {
    const users = service();
    await users.onModuleInit();
    verify.mockClear();
    hash.mockClear();
    expect(await users.authenticate('mallory', 'alice password')).toBeUndefined();
    expect(verify).toHaveBeenCalledTimes(1);
    const [password, decoy] = verify.mock.calls[0];
    expect(password).toBe('alice password');
    expect(decoy).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(decoy).not.toBe(aliceHash);
    // The decoy was made before this login, not during it.
    expect(hash).not.toHaveBeenCalled();
  });
});
