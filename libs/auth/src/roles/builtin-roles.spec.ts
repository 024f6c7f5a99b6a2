import {
  admin,
  adminApp,
  customRole,
  deadLetterSubjects,
  producer,
  reaper,
  service,
  worker,
} from './builtin-roles';

describe('built-in roles', () => {
  describe('producer', () => {
    it('publishes its subjects and needs its inbox for PubAcks, no $JS.API', () => {
      expect(producer(['orders.>', 'audit.orders'])).toEqual({
        kind: 'producer',
        publish: { allow: ['orders.>', 'audit.orders'], deny: [] },
        subscribe: { allow: [], deny: [] },
        inbox: true,
      });
    });

    it('refuses no or malformed subjects', () => {
      expect(() => producer([])).toThrow('producer: at least one subject is required');
      expect(() => producer(['a..b'])).toThrow('producer: subject "a..b" has an empty token');
    });
  });

  describe('worker', () => {
    it('may only read, pull and ack its own durable', () => {
      // With its state: poison isolation's ledger (its own keys) and its idempotency bucket.
      expect(worker('ORDERS', 'billing').publish.allow).toEqual([
        '$JS.API.CONSUMER.INFO.ORDERS.billing',
        '$JS.API.CONSUMER.MSG.NEXT.ORDERS.billing',
        '$JS.ACK.ORDERS.billing.>',
        '$JS.API.INFO',
        '$JS.API.STREAM.INFO.KV_JETBUS_ATTEMPTS',
        '$JS.API.STREAM.CREATE.KV_JETBUS_ATTEMPTS',
        '$JS.API.STREAM.MSG.GET.KV_JETBUS_ATTEMPTS',
        '$JS.API.DIRECT.GET.KV_JETBUS_ATTEMPTS.$KV.JETBUS_ATTEMPTS.ORDERS.billing.*',
        '$KV.JETBUS_ATTEMPTS.ORDERS.billing.*',
        // Its heartbeat bucket; the keys (its user's own) are added when a user is compiled.
        '$JS.API.STREAM.INFO.KV_JETBUS_WORKERS',
        '$JS.API.STREAM.CREATE.KV_JETBUS_WORKERS',
      ]);
      expect(worker('ORDERS', 'billing').inbox).toBe(true);
      expect(worker('ORDERS', 'billing').heartbeat).toBe(true);
    });

    it('with rateLimit, reads and compare-and-sets its own sliding logs in JETBUS_RATE only', () => {
      const plain = worker('ORDERS', 'billing').publish.allow;
      const limited = worker('ORDERS', 'billing', { rateLimit: true }).publish.allow;
      expect(limited.filter((s) => !plain.includes(s))).toEqual([
        '$JS.API.STREAM.INFO.KV_JETBUS_RATE',
        '$JS.API.STREAM.CREATE.KV_JETBUS_RATE',
        '$JS.API.STREAM.MSG.GET.KV_JETBUS_RATE',
        '$JS.API.DIRECT.GET.KV_JETBUS_RATE.$KV.JETBUS_RATE.ORDERS.billing.*',
        '$KV.JETBUS_RATE.ORDERS.billing.*',
      ]);
    });

    it('refuses names that would widen the subjects', () => {
      expect(() => worker('ORDERS.*', 'x')).toThrow('stream name "ORDERS.*"');
      expect(() => worker('ORDERS', '>')).toThrow('consumer name ">"');
    });
  });

  describe('service', () => {
    it('adds what creating its own durable takes', () => {
      expect(service('ORDERS', 'billing').publish.allow).toEqual([
        '$JS.API.CONSUMER.INFO.ORDERS.billing',
        '$JS.API.CONSUMER.MSG.NEXT.ORDERS.billing',
        '$JS.ACK.ORDERS.billing.>',
        '$JS.API.INFO',
        '$JS.API.STREAM.INFO.KV_JETBUS_ATTEMPTS',
        '$JS.API.STREAM.CREATE.KV_JETBUS_ATTEMPTS',
        '$JS.API.STREAM.MSG.GET.KV_JETBUS_ATTEMPTS',
        '$JS.API.DIRECT.GET.KV_JETBUS_ATTEMPTS.$KV.JETBUS_ATTEMPTS.ORDERS.billing.*',
        '$KV.JETBUS_ATTEMPTS.ORDERS.billing.*',
        '$JS.API.STREAM.INFO.KV_JETBUS_WORKERS',
        '$JS.API.STREAM.CREATE.KV_JETBUS_WORKERS',
        '$JS.API.STREAM.INFO.ORDERS',
        '$JS.API.CONSUMER.CREATE.ORDERS.billing',
        '$JS.API.CONSUMER.CREATE.ORDERS.billing.>',
        '$JS.API.CONSUMER.DURABLE.CREATE.ORDERS.billing',
      ]);
      expect(service('ORDERS', 'billing').kind).toBe('service');
    });
  });

  describe('dead letters of worker and service', () => {
    it('may publish dlq.<subject> for the subjects they consume, nothing else under dlq', () => {
      expect(worker('ORDERS', 'billing', { subjects: ['orders.paid'] }).publish.allow).toContain(
        'dlq.orders.paid',
      );
      const svc = service('ORDERS', 'billing', {
        subjects: ['orders.a', 'orders.b.>'],
        deadLetterPrefix: 'dead.x',
      });
      expect(svc.publish.allow.filter((s) => s.startsWith('dead.'))).toEqual([
        'dead.x.orders.a',
        'dead.x.orders.b.>',
      ]);
      expect(worker('ORDERS', 'billing').publish.allow.filter((s) => s.startsWith('dlq'))).toEqual([]);
    });

    it('refuses a wildcard or malformed prefix', () => {
      expect(() => deadLetterSubjects(['a'], 'dlq.>')).toThrow('deadLetterPrefix');
      expect(() => deadLetterSubjects(['a'], 'dlq..x')).toThrow('deadLetterPrefix');
      expect(() => deadLetterSubjects(['a b'])).toThrow('subjects');
    });
  });

  describe('admin', () => {
    it('gets the JetStream API plus the subjects it replays to', () => {
      expect(admin().publish.allow).toEqual(['$JS.API.>']);
      expect(admin({ publish: ['orders.>'], subscribe: ['jetbus.workers.>'] })).toEqual({
        kind: 'admin',
        publish: { allow: ['$JS.API.>', 'orders.>'], deny: [] },
        subscribe: { allow: ['jetbus.workers.>'], deny: [] },
        inbox: true,
      });
    });
  });

  describe('reaper', () => {
    it('consumes the advisories, reads and deletes source messages, dead-letters its subjects', () => {
      expect(
        reaper({ streams: ['ORDERS'], subjects: ['orders.created', 'orders.paid'] }).publish.allow,
      ).toEqual([
        '$JS.API.CONSUMER.INFO.JETBUS_ADVISORIES.jetbus-reaper_ORDERS',
        '$JS.API.CONSUMER.MSG.NEXT.JETBUS_ADVISORIES.jetbus-reaper_ORDERS',
        '$JS.ACK.JETBUS_ADVISORIES.jetbus-reaper_ORDERS.>',
        '$JS.API.INFO',
        '$JS.API.STREAM.INFO.JETBUS_ADVISORIES',
        '$JS.API.CONSUMER.CREATE.JETBUS_ADVISORIES.jetbus-reaper_ORDERS',
        '$JS.API.CONSUMER.CREATE.JETBUS_ADVISORIES.jetbus-reaper_ORDERS.>',
        '$JS.API.CONSUMER.DURABLE.CREATE.JETBUS_ADVISORIES.jetbus-reaper_ORDERS',
        '$JS.API.STREAM.MSG.GET.ORDERS',
        '$JS.API.DIRECT.GET.ORDERS',
        '$JS.API.STREAM.MSG.DELETE.ORDERS',
        'dlq.orders.created',
        'dlq.orders.paid',
        '$JS.API.STREAM.INFO.KV_JETBUS_DLQ_MARKS',
        '$JS.API.STREAM.CREATE.KV_JETBUS_DLQ_MARKS',
        '$JS.API.STREAM.MSG.GET.KV_JETBUS_DLQ_MARKS',
        '$JS.API.DIRECT.GET.KV_JETBUS_DLQ_MARKS.$KV.JETBUS_DLQ_MARKS.ORDERS.*',
        '$KV.JETBUS_DLQ_MARKS.ORDERS.*',
      ]);
    });

    it('is never granted dlq.> by default: subjects (or explicit dlqSubjects) are required', () => {
      expect(() => reaper({ streams: ['ORDERS'] })).toThrow('reaper: `subjects` is required');
      expect(
        reaper({ streams: ['ORDERS'], subjects: ['a.>'], deadLetterPrefix: 'dead' }).publish.allow,
      ).toContain('dead.a.>');
    });

    it('takes its stream, durable and DLQ subjects from options', () => {
      const role = reaper({
        streams: ['A', 'B'],
        advisoryStream: 'ADV',
        durable: 'r',
        dlqSubjects: ['dead.>'],
      });
      expect(role.publish.allow).toContain('$JS.API.CONSUMER.MSG.NEXT.ADV.r');
      expect(role.publish.allow).toContain('$JS.API.STREAM.MSG.DELETE.B');
      expect(role.publish.allow).toContain('dead.>');
      expect(() => reaper({ streams: [], subjects: ['a'] })).toThrow(
        'reaper: at least one source stream is required',
      );
    });
  });

  describe('customRole', () => {
    it('takes plain lists', () => {
      expect(
        customRole({
          subscribe: { allow: ['a.>'] },
          publish: { deny: ['b'] },
          allowResponses: { max: 1, ttl: 0 },
        }),
      ).toEqual({
        kind: 'custom',
        publish: { allow: [], deny: ['b'] },
        subscribe: { allow: ['a.>'], deny: [] },
        inbox: false,
        allowResponses: { max: 1, ttl: 0 },
      });
    });
  });
  describe('admin-app', () => {
    const role = adminApp({ replaySubjects: ['orders.created', 'emails.>'] });

    it('manages streams and consumers, reads messages and heartbeats, replays to its subjects, appends to the audit trail', () => {
      expect(role.kind).toBe('admin-app');
      expect(role.inbox).toBe(true);
      expect(role.publish.allow).toEqual(
        expect.arrayContaining([
          '$JS.API.STREAM.INFO.*',
          '$JS.API.STREAM.CREATE.*',
          '$JS.API.STREAM.DELETE.*',
          '$JS.API.STREAM.MSG.GET.*',
          '$JS.API.DIRECT.GET.*',
          '$JS.API.STREAM.MSG.DELETE.*',
          '$JS.API.CONSUMER.CREATE.*.>',
          '$JS.API.CONSUMER.DELETE.*.*',
          'jetbus.audit.>',
          'orders.created',
          'emails.>',
        ]),
      );
      // No blanket API, nothing of $SYS, and three KV writes: a cancel's outcome of a scheduled
      // job, a cancel request of a queued or running one, and periodic schedules' paused flags (it reads heartbeats, never writes them; it never
      // moves a schedule's last tick).
      expect(role.publish.allow).not.toContain('$JS.API.>');
      expect(role.publish.allow.some((s) => s.startsWith('$SYS.'))).toBe(false);
      expect(role.publish.allow.filter((s) => s.startsWith('$KV.')).sort()).toEqual([
        '$KV.JETBUS_CANCELLED.>',
        '$KV.JETBUS_PERIODIC.paused.*',
        '$KV.JETBUS_SCHEDULED_OUTCOMES.>',
      ]);
      expect(
        adminApp({ schedulingStream: 'LATER' })
          .publish.allow.filter((s) => s.startsWith('$KV.'))
          .sort(),
      ).toEqual(['$KV.JETBUS_CANCELLED.>', '$KV.JETBUS_PERIODIC.paused.*', '$KV.LATER_OUTCOMES.>']);
      expect(() => adminApp({ schedulingStream: 'a.b' })).toThrow('admin-app.schedulingStream');
    });

    it('may never delete, purge, change or delete a message of JETBUS_AUDIT, nor put a consumer on it', () => {
      expect(role.publish.deny).toEqual([
        '$JS.API.STREAM.DELETE.JETBUS_AUDIT',
        '$JS.API.STREAM.PURGE.JETBUS_AUDIT',
        '$JS.API.STREAM.MSG.DELETE.JETBUS_AUDIT',
        '$JS.API.STREAM.UPDATE.JETBUS_AUDIT',
        '$JS.API.CONSUMER.CREATE.JETBUS_AUDIT',
        '$JS.API.CONSUMER.CREATE.JETBUS_AUDIT.>',
        '$JS.API.CONSUMER.DURABLE.CREATE.JETBUS_AUDIT.>',
        '$JS.API.CONSUMER.DELETE.JETBUS_AUDIT.>',
        '$SYS.>',
      ]);
    });

    it('replays to no subject unless told, and refuses malformed ones', () => {
      expect(adminApp().publish.allow.filter((s) => !s.startsWith('$') && s !== 'jetbus.audit.>')).toEqual(
        [],
      );
      expect(() => adminApp({ replaySubjects: ['a..b'] })).toThrow('admin-app.replaySubjects');
    });
  });

  it('lanes: priorities add the high and low durables; fairness needs subjects and creates only group-lane consumers', () => {
    const prio = service('WORK', 'mail', { lanes: 'priorities' }).publish.allow;
    expect(prio).toEqual(
      expect.arrayContaining([
        '$JS.API.CONSUMER.MSG.NEXT.WORK.mail_prio_high',
        '$JS.ACK.WORK.mail_prio_low.>',
        '$JS.API.CONSUMER.CREATE.WORK.mail_prio_high.>',
      ]),
    );
    expect(prio.some((p) => p.includes('WORK.*'))).toBe(false);
    const fair = worker('WORK', 'report', { lanes: 'fairness', subjects: ['report.build'] }).publish.allow;
    expect(fair).toEqual(
      expect.arrayContaining([
        '$JS.API.STREAM.INFO.WORK',
        '$JS.API.CONSUMER.CREATE.WORK.*.report.build._group.*',
        '$JS.API.CONSUMER.DELETE.WORK.*',
      ]),
    );
    expect(fair).not.toContain('$JS.API.CONSUMER.CREATE.WORK.*');
    expect(() => worker('WORK', 'report', { lanes: 'fairness' })).toThrow(TypeError);
    expect(() => worker('WORK', 'report', { lanes: 'fast' as never })).toThrow(TypeError);
  });
});
