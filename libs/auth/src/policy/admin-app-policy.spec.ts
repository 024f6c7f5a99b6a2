import { PolicyValidationError } from '../errors/policy-validation.error';
import { adminApp } from '../roles/builtin-roles';
import { type PolicyDocument } from './policy-document.types';
import { validatePolicy } from './validate-policy';

/** A policy declaring the admin web app's user with `role` as its one role. */
const policyWith = (role: unknown): PolicyDocument =>
  ({
    version: 1,
    operator: { name: 'jetbus' },
    roles: { web: role },
    accounts: { APP: { users: { admin: { roles: ['web'], inboxPrefix: '_INBOX_admin' } } } },
  }) as PolicyDocument;

function errorsOf(input: unknown): string[] {
  try {
    validatePolicy(input);
  } catch (e) {
    if (e instanceof PolicyValidationError) return e.errors.map((x) => x.message);
    throw e;
  }
  throw new Error('expected a PolicyValidationError');
}

describe('the admin-app role in a policy', () => {
  it('is declared with `admin-app:`, with or without replay subjects', () => {
    const withSubjects = validatePolicy(policyWith({ 'admin-app': { replaySubjects: ['orders.created'] } }));
    expect(withSubjects.roles.web).toEqual(adminApp({ replaySubjects: ['orders.created'] }));
    expect(validatePolicy(policyWith({ 'admin-app': null })).roles.web).toEqual(adminApp());
  });

  it('takes the scheduling stream whose outcomes bucket a cancel writes', () => {
    const role = validatePolicy(policyWith({ 'admin-app': { schedulingStream: 'LATER' } })).roles.web;
    expect(role).toEqual(adminApp({ schedulingStream: 'LATER' }));
    expect(role.publish.allow).toContain('$KV.LATER_OUTCOMES.>');
    expect(errorsOf(policyWith({ 'admin-app': { schedulingStream: 'a.b' } })).join('\n')).toMatch(
      /schedulingStream/,
    );
  });

  it('refuses unknown options, malformed subjects and a second built-in key', () => {
    expect(errorsOf(policyWith({ 'admin-app': { publish: ['x'] } })).join('\n')).toMatch(/publish/);
    expect(errorsOf(policyWith({ 'admin-app': { replaySubjects: ['a..b'] } })).join('\n')).toMatch(
      /replaySubjects/,
    );
    expect(errorsOf(policyWith({ 'admin-app': null, admin: null })).join('\n')).toMatch(/exactly one key/);
  });
});
