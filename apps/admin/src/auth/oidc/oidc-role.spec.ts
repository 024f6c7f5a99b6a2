import { roleFromClaim } from './oidc-role';

describe('roleFromClaim', () => {
  it('takes a role name as it is', () => {
    expect(roleFromClaim('operator', {})).toBe('operator');
  });

  it('takes the highest role of a list', () => {
    expect(roleFromClaim(['viewer', 'admin', 'operator'], {})).toBe('admin');
  });

  it('maps group names through roleMap', () => {
    expect(roleFromClaim(['staff', 'sre'], { sre: 'operator', staff: 'viewer' })).toBe('operator');
  });

  it('grants nothing for a missing claim, unknown values, non-strings or inherited keys', () => {
    expect(roleFromClaim(undefined, {})).toBeUndefined();
    expect(roleFromClaim(['root', 'superuser'], {})).toBeUndefined();
    expect(roleFromClaim([42, { role: 'admin' }], {})).toBeUndefined();
    expect(roleFromClaim('toString', {})).toBeUndefined();
  });
});
