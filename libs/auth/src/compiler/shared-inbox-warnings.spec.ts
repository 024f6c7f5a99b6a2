import { parsePolicy } from '../policy/load-policy';
import { sharedInboxWarnings } from './shared-inbox-warnings';

describe('sharedInboxWarnings', () => {
  it('warns once per account where two or more users share _INBOX.>, naming them and the fix', () => {
    const policy = parsePolicy(`
operator: { name: t }
roles:
  p: { producer: { subjects: [a.>] } }
  quiet: { publish: { allow: [b.>] } }
accounts:
  APP:
    users:
      api: { roles: [p] }
      worker: { roles: [p] }
      own: { roles: [p], inboxPrefix: _INBOX_own }
      noinbox: { roles: [quiet] }
  OTHER:
    users:
      alone: { roles: [p] }
`);
    expect(sharedInboxWarnings(policy)).toEqual([
      "users api, worker of account APP share the inbox _INBOX.> (no inboxPrefix): each can read the others' " +
        'replies and PubAcks; give each its own inboxPrefix (e.g. inboxPrefix: _INBOX_api) and connect with it',
    ]);
  });

  it('says nothing when every user has its own prefix', () => {
    expect(
      sharedInboxWarnings(
        parsePolicy(`
operator: { name: t }
roles: { p: { producer: { subjects: [a.>] } } }
accounts: { APP: { users: { a: { roles: [p], inboxPrefix: _INBOX_a }, b: { roles: [p], inboxPrefix: _INBOX_b } } } }
`),
      ),
    ).toEqual([]);
  });
});
