import { PolicyValidationError } from '../errors/policy-validation.error';
import { producer, worker } from '../roles/builtin-roles';
import { type PolicyDocument } from './policy-document.types';
import { DEFAULT_ACCOUNT_LIMITS } from './policy-defaults';
import { validatePolicy } from './validate-policy';

function basePolicy(): PolicyDocument {
  return {
    version: 1,
    operator: { name: 'jetbus' },
    roles: {
      producer: { producer: { subjects: ['orders.>'] } },
      'billing-worker': { worker: { stream: 'ORDERS', consumer: 'billing' } },
    },
    accounts: {
      ORDERS: {
        exports: [{ subject: 'orders.events.>', type: 'stream' }],
        users: {
          api: { roles: ['producer'], inboxPrefix: '_INBOX_api' },
          billing: { roles: ['billing-worker', 'producer'] },
        },
      },
      BILLING: {
        imports: [{ account: 'ORDERS', subject: 'orders.events.paid' }],
        users: { reader: { subscribe: { allow: ['orders.events.paid'] } } },
      },
    },
  };
}

/** The messages of the validation error `input` produces. */
function errorsOf(input: unknown): string[] {
  try {
    validatePolicy(input);
  } catch (e) {
    if (e instanceof PolicyValidationError) return e.errors.map((x) => x.message);
    throw e;
  }
  throw new Error('expected a PolicyValidationError');
}

describe('validatePolicy', () => {
  describe('when the policy is valid', () => {
    it('normalizes it: roles resolved, defaults applied, declaration order kept', () => {
      const policy = validatePolicy(basePolicy());
      expect(policy.operator).toEqual({ name: 'jetbus' });
      expect(policy.roles.producer).toEqual(producer(['orders.>']));
      expect(policy.roles['billing-worker']).toEqual(worker('ORDERS', 'billing'));
      expect(policy.accounts.map((a) => a.name)).toEqual(['ORDERS', 'BILLING']);
      const orders = policy.accounts[0];
      expect(orders.limits).toEqual(DEFAULT_ACCOUNT_LIMITS);
      expect(orders.exports).toEqual([
        { name: 'orders.events.>', subject: 'orders.events.>', type: 'stream', public: false },
      ]);
      expect(orders.users).toEqual([
        {
          name: 'api',
          roles: ['producer'],
          inboxPrefix: '_INBOX_api',
          publish: { allow: [], deny: [] },
          subscribe: { allow: [], deny: [] },
          allowedCidrs: [],
        },
        {
          name: 'billing',
          roles: ['billing-worker', 'producer'],
          publish: { allow: [], deny: [] },
          subscribe: { allow: [], deny: [] },
          allowedCidrs: [],
        },
      ]);
      expect(policy.accounts[1].imports).toEqual([
        { name: 'orders.events.paid', account: 'ORDERS', subject: 'orders.events.paid', type: 'stream' },
      ]);
    });

    it('reads limits with sizes, "unlimited" and jetstream: false', () => {
      const doc = basePolicy();
      doc.accounts.ORDERS.limits = {
        connections: 10,
        payload: '1MiB',
        data: 'unlimited',
        jetstream: {
          diskStorage: '1G',
          memoryStorage: 1024,
          streams: 5,
          consumers: 'unlimited',
          maxBytesRequired: true,
        },
      };
      doc.accounts.BILLING.limits = { jetstream: false };
      const [orders, billing] = validatePolicy(doc).accounts;
      expect(orders.limits).toMatchObject({ connections: 10, payload: 1024 ** 2, data: -1 });
      expect(orders.limits.jetstream).toMatchObject({
        diskStorage: 1024 ** 3,
        memoryStorage: 1024,
        streams: 5,
        consumers: -1,
        maxBytesRequired: true,
      });
      expect(billing.limits.jetstream).toMatchObject({
        diskStorage: 0,
        memoryStorage: 0,
        streams: 0,
        consumers: 0,
      });
    });

    it('reads user expiry, CIDRs and response permissions', () => {
      const doc = basePolicy();
      doc.accounts.ORDERS.users!.api = {
        roles: ['producer'],
        expires: '2030-01-02T03:04:05Z',
        allowedCidrs: ['10.0.0.0/8', '::1/128'],
        allowResponses: { max: 2, ttl: '5s' },
      };
      const api = validatePolicy(doc).accounts[0].users[0];
      expect(api.expires).toEqual(new Date('2030-01-02T03:04:05Z'));
      expect(api.allowedCidrs).toEqual(['10.0.0.0/8', '::1/128']);
      expect(api.allowResponses).toEqual({ max: 2, ttl: 5000 });
    });

    it('lets account roles add to the policy-wide ones', () => {
      const doc = basePolicy();
      doc.accounts.BILLING.roles = { local: { subscribe: { allow: ['x.>'] } } };
      doc.accounts.BILLING.users = { reader: { roles: ['local', 'producer'] } };
      expect(validatePolicy(doc).accounts[1].users[0].roles).toEqual(['local', 'producer']);
    });
  });

  describe('when a user references an unknown role', () => {
    it('names the path of the reference and suggests the closest role', () => {
      const doc = basePolicy();
      doc.accounts.ORDERS.users!.billing.roles = ['billing-worker', 'prodcer'];
      expect(errorsOf(doc)).toEqual([
        'accounts.ORDERS.users.billing.roles[1]: unknown role "prodcer" (did you mean "producer"?)',
      ]);
    });

    it('does not see roles of other accounts', () => {
      const doc = basePolicy();
      doc.accounts.BILLING.roles = { local: { subscribe: { allow: ['x.>'] } } };
      doc.accounts.ORDERS.users!.api.roles = ['local'];
      expect(errorsOf(doc)).toEqual(['accounts.ORDERS.users.api.roles[0]: unknown role "local"']);
    });
  });

  describe('when a subject is malformed', () => {
    it.each([
      ['orders..created', 'subject "orders..created" has an empty token'],
      ['orders.>.x', 'subject "orders.>.x": ">" must be the last token'],
      ['orders created', 'subject "orders created" contains whitespace'],
    ])('reports %j in a role with its path', (subject, problem) => {
      const doc = basePolicy();
      doc.roles!.producer = { producer: { subjects: ['orders.>', subject] } };
      expect(errorsOf(doc)).toEqual([`roles.producer.producer.subjects[1]: ${problem}`]);
    });

    it('reports them in user permissions, exports and inbox prefixes', () => {
      const doc = basePolicy();
      doc.accounts.ORDERS.users!.api = {
        roles: ['producer'],
        publish: { deny: ['a..b'] },
        inboxPrefix: '_INBOX.*',
      };
      doc.accounts.ORDERS.exports = [{ subject: 'orders.events.>' }, { subject: ' x' }];
      expect(errorsOf(doc)).toEqual([
        'accounts.ORDERS.exports[1].subject: subject " x" contains whitespace',
        'accounts.ORDERS.users.api.publish.deny[0]: subject "a..b" has an empty token',
        'accounts.ORDERS.users.api.inboxPrefix: subject "_INBOX.*" may not contain wildcards',
      ]);
    });
  });

  describe('when imports do not match exports', () => {
    it('reports an import from an account that does not exist', () => {
      const doc = basePolicy();
      doc.accounts.BILLING.imports = [{ account: 'ORDER', subject: 'orders.events.paid' }];
      expect(errorsOf(doc)).toEqual([
        'accounts.BILLING.imports[0].account: unknown account "ORDER" (did you mean "ORDERS"?)',
      ]);
    });

    it('reports a subject the other account does not export', () => {
      const doc = basePolicy();
      doc.accounts.BILLING.imports = [{ account: 'ORDERS', subject: 'orders.secret.>' }];
      expect(errorsOf(doc)).toEqual([
        'accounts.BILLING.imports[0].subject: account ORDERS does not export "orders.secret.>" as a stream (its stream exports: orders.events.>)',
      ]);
    });

    it('reports a subject exported as a different type', () => {
      const doc = basePolicy();
      doc.accounts.BILLING.imports = [{ account: 'ORDERS', subject: 'orders.events.paid', type: 'service' }];
      expect(errorsOf(doc)).toEqual([
        'accounts.BILLING.imports[0].subject: account ORDERS does not export "orders.events.paid" as a service (its service exports: none)',
      ]);
    });

    it('reports an import that is wider than the export', () => {
      const doc = basePolicy();
      doc.accounts.BILLING.imports = [{ account: 'ORDERS', subject: 'orders.>' }];
      expect(errorsOf(doc)).toHaveLength(1);
    });

    it('reports self imports and duplicates', () => {
      const doc = basePolicy();
      doc.accounts.ORDERS.imports = [{ account: 'ORDERS', subject: 'orders.events.paid' }];
      doc.accounts.BILLING.imports = [
        { account: 'ORDERS', subject: 'orders.events.paid' },
        { account: 'ORDERS', subject: 'orders.events.paid' },
      ];
      expect(errorsOf(doc)).toEqual([
        'accounts.ORDERS.imports[0].account: an account cannot import from itself',
        'accounts.BILLING.imports[1]: duplicate import of stream "orders.events.paid" from ORDERS',
      ]);
    });
  });

  describe('when names clash', () => {
    it('reports accounts, users and roles that differ only in case', () => {
      const doc = basePolicy();
      doc.accounts.orders = { users: { x: { roles: ['producer'] } } };
      doc.accounts.ORDERS.users!.API = { roles: ['producer'] };
      doc.roles!.Producer = { producer: { subjects: ['x'] } };
      expect(errorsOf(doc)).toEqual([
        'roles.Producer: duplicate role "Producer" (already defined as "producer" in this scope)',
        'accounts.orders: duplicate account "orders" (also "ORDERS"; names are compared case-insensitively)',
        'accounts.ORDERS.users.API: duplicate user "API" (also "api"; names are compared case-insensitively)',
      ]);
    });

    it('reports an account role that redefines a policy-wide one', () => {
      const doc = basePolicy();
      doc.accounts.ORDERS.roles = { producer: { producer: { subjects: ['y'] } } };
      expect(errorsOf(doc)).toEqual([
        'accounts.ORDERS.roles.producer: duplicate role "producer" (already defined in roles)',
      ]);
    });

    it('reports duplicate export names and a role listed twice', () => {
      const doc = basePolicy();
      doc.accounts.ORDERS.exports = [
        { subject: 'a.>', name: 'events' },
        { subject: 'b.>', name: 'events' },
      ];
      doc.accounts.ORDERS.users!.api.roles = ['producer', 'producer'];
      doc.accounts.BILLING.imports = [];
      expect(errorsOf(doc)).toEqual([
        'accounts.ORDERS.exports[1].name: duplicate export name "events"',
        'accounts.ORDERS.users.api.roles[1]: role "producer" is listed twice',
      ]);
    });

    it('reserves the system account name', () => {
      const doc = basePolicy();
      doc.accounts.SYS = {};
      expect(errorsOf(doc)).toEqual([
        'accounts.SYS: "SYS" is reserved: the system account SYS is created automatically',
      ]);
    });
  });

  describe('when fields are wrong', () => {
    it('reports unknown fields with a hint, bad types and bad values, all at once', () => {
      const doc = basePolicy() as unknown as Record<string, unknown>;
      const accounts = doc.accounts as Record<string, Record<string, unknown>>;
      accounts.ORDERS.limit = {};
      accounts.ORDERS.limits = { connections: -5, payload: 'huge' };
      (accounts.ORDERS.users as Record<string, Record<string, unknown>>).api.expires = 'tomorrow';
      (accounts.ORDERS.users as Record<string, Record<string, unknown>>).api.allowedCidrs = [
        '10.0.0.1',
        '300.0.0.0/8',
      ];
      doc.version = 2;
      expect(errorsOf(doc)).toEqual([
        'version: unsupported version 2 (this jetbus reads version 1)',
        'accounts.ORDERS.limit: unknown field "limit" (did you mean "limits"?)',
        'accounts.ORDERS.limits.connections: must be a whole number >= 0, -1 or "unlimited", got number -5',
        'accounts.ORDERS.limits.payload: must be a size like "512MiB", "1G" or a number of bytes, got "huge"',
        'accounts.ORDERS.users.api.allowedCidrs[0]: "10.0.0.1" is not a CIDR like 10.0.0.0/8 or 127.0.0.1/32',
        'accounts.ORDERS.users.api.allowedCidrs[1]: "300.0.0.0/8" is not a CIDR like 10.0.0.0/8 or 127.0.0.1/32',
        'accounts.ORDERS.users.api.expires: must be an ISO 8601 time like 2026-12-31T23:59:59Z, got string "tomorrow"',
      ]);
    });

    it('requires the operator and accounts', () => {
      expect(errorsOf({})).toEqual(['operator: must be an object, got nothing', 'accounts: is required']);
    });

    it('rejects a user without any permission and a built-in role with extra keys', () => {
      const doc = basePolicy();
      doc.accounts.BILLING.users = { idle: {} };
      (doc.roles as Record<string, unknown>).mixed = {
        producer: { subjects: ['a'] },
        publish: { allow: ['b'] },
      };
      expect(errorsOf(doc)).toEqual([
        'roles.mixed: a built-in role takes exactly one key (producer), got: producer, publish',
        'accounts.BILLING.users.idle: user has no permissions: give it roles or publish/subscribe allow lists',
      ]);
    });

    it('rejects stream and consumer names that are not tokens', () => {
      const doc = basePolicy();
      doc.roles!['billing-worker'] = { worker: { stream: 'ORDERS.X', consumer: 'bill ing' } };
      expect(errorsOf(doc)).toEqual([
        'roles.billing-worker.worker.stream: stream name "ORDERS.X" must be 1-64 characters of letters, digits, "_" or "-"',
        'roles.billing-worker.worker.consumer: consumer name "bill ing" must be 1-64 characters of letters, digits, "_" or "-"',
      ]);
    });

    it('requires the subjects a reaper dead-letters, and checks dead-letter prefixes', () => {
      const doc = basePolicy();
      doc.roles!.reaper = { reaper: { streams: ['ORDERS'] } };
      doc.roles!['billing-worker'] = {
        worker: {
          stream: 'ORDERS',
          consumer: 'billing',
          subjects: ['orders.paid'],
          deadLetterPrefix: 'dlq.*',
        },
      };
      expect(errorsOf(doc)).toEqual([
        'roles.billing-worker.worker.deadLetterPrefix: "dlq.*" may not contain wildcards',
        'roles.reaper.reaper.subjects: is required: the subjects of its streams, whose jobs it may dead-letter (as dlq.<subject>); dlq.> is no longer granted',
      ]);
    });
  });

  describe('when the structure is read by the schema', () => {
    it('reads a key left empty (null in YAML) as left out', () => {
      const doc = basePolicy() as unknown as Record<string, Record<string, Record<string, unknown>>>;
      doc.accounts.ORDERS.limits = null;
      doc.accounts.ORDERS.imports = null;
      doc.accounts.BILLING.roles = null;
      const [orders] = validatePolicy(doc).accounts;
      expect(orders.limits).toEqual(DEFAULT_ACCOUNT_LIMITS);
      expect(orders.imports).toEqual([]);
    });

    it('reports the fields inside a value that may be of several shapes', () => {
      const doc = basePolicy();
      doc.accounts.ORDERS.limits = { jetstream: { streams: 'many', diskStorag: '1G' } as never };
      doc.accounts.ORDERS.users!.api.allowResponses = { max: 0, ttl: 'soon' };
      expect(errorsOf(doc)).toEqual([
        'accounts.ORDERS.limits.jetstream.diskStorag: unknown field "diskStorag" (did you mean "diskStorage"?)',
        'accounts.ORDERS.limits.jetstream.streams: must be a whole number >= 0, -1 or "unlimited", got string "many"',
        'accounts.ORDERS.users.api.allowResponses.ttl: must be a duration like "250ms", "5s", "1m" or milliseconds, got string "soon"',
        'accounts.ORDERS.users.api.allowResponses.max: must not be 0 (leave allowResponses out instead)',
      ]);
    });

    it('suggests the built-in role a misspelled key was meant to be', () => {
      const doc = basePolicy() as unknown as { roles: Record<string, unknown> };
      doc.roles.producer = { prodcer: { subjects: ['orders.>'] } };
      expect(errorsOf(doc)).toEqual([
        'roles.producer.prodcer: unknown field "prodcer" (did you mean "producer"?)',
        'roles.producer: role allows nothing: use one of producer, worker, service, admin, admin-app, reaper or publish/subscribe allow lists',
      ]);
    });

    it('reports map keys that are not names, and wrong types with what was found', () => {
      const doc = basePolicy() as unknown as Record<string, Record<string, Record<string, unknown>>>;
      doc.accounts['BAD NAME'] = { users: { x: { roles: ['producer'] } } };
      doc.accounts.ORDERS.exports = [{ subject: 5, type: 'queue' }];
      doc.accounts.BILLING.users = { reader: { roles: 'producer' } };
      expect(errorsOf(doc)).toEqual([
        'accounts.ORDERS.exports[0].subject: must be a string, got number 5',
        'accounts.ORDERS.exports[0].type: must be "stream" or "service", got "queue"',
        'accounts.BILLING.users.reader.roles: must be a list, got string "producer"',
        'accounts["BAD NAME"]: account name "BAD NAME" must be 1-64 characters of letters, digits, "_" or "-"',
      ]);
    });

    it('takes a Date for an expiry, and refuses a day that does not exist', () => {
      const doc = basePolicy();
      doc.accounts.ORDERS.users!.api.expires = new Date('2030-01-02T03:04:05Z');
      expect(validatePolicy(doc).accounts[0].users[0].expires).toEqual(new Date('2030-01-02T03:04:05Z'));
      doc.accounts.ORDERS.users!.api.expires = '2031-02-31';
      expect(errorsOf(doc)).toEqual([
        'accounts.ORDERS.users.api.expires: must be an ISO 8601 time like 2026-12-31T23:59:59Z, got string "2031-02-31"',
      ]);
    });
  });

  it('lists every error in the message of the PolicyValidationError', () => {
    const doc = basePolicy();
    doc.accounts.ORDERS.users!.billing.roles = ['prodcer'];
    doc.accounts.BILLING.imports = [{ account: 'NOPE', subject: 'x' }];
    expect(() => validatePolicy(doc, { source: 'auth.yaml' })).toThrow(
      [
        'invalid auth policy auth.yaml: 2 errors',
        '  - accounts.ORDERS.users.billing.roles[0]: unknown role "prodcer" (did you mean "producer"?)',
        '  - accounts.BILLING.imports[0].account: unknown account "NOPE"',
      ].join('\n'),
    );
  });
});
