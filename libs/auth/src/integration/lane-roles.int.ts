import { AckPolicy, RetentionPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { refusal, useRoleEnv } from './__tests__/role-test-env';

/*
 * The lane permissions of `worker`/`service` (`lanes: priorities | fairness`) against nats-server:
 * each operation a handler with lanes performs succeeds with exactly these permissions (the
 * subjects nats.js uses are those @jetbus/core's provisioning and lane puller use), and the
 * neighbouring ones are refused.
 */

const POLICY = `
operator: { name: jetbus-test }
roles:
  setup:
    admin: {}
  lane-producer:
    producer: { subjects: [mail.send, mail.send._prio.*, report.build._group.*] }
  mail-service:
    service: { stream: WORK, consumer: mail, subjects: [mail.send], lanes: priorities }
  report-worker:
    worker: { stream: WORK, consumer: report, subjects: [report.build], lanes: fairness }
accounts:
  APP:
    users:
      ops: { roles: [setup] }
      api: { roles: [lane-producer] }
      mail: { roles: [mail-service] }
      report: { roles: [report-worker] }
`;

const consumer = (durable: string, filter: string) => ({
  durable_name: durable,
  filter_subject: filter,
  ack_policy: AckPolicy.Explicit,
});

describe('lane permissions on nats-server', () => {
  const env = useRoleEnv(POLICY, async (jsm, setupEnv) => {
    await jsm.streams.add({
      name: 'WORK',
      subjects: ['mail.>', 'report.>'],
      retention: RetentionPolicy.Workqueue,
    });
    await jsm.streams.add({ name: 'OTHER', subjects: ['other.>'] });
    await jsm.consumers.add('WORK', consumer('report', 'report.build'));
    const api = await setupEnv.connect('APP', 'api');
    const js = jetstream(api.nc);
    await js.publish('mail.send._prio.high', 'h');
    await js.publish('report.build._group.acme', 'a');
  });

  it('priorities: the service creates its high and low durables and pulls and acks the high lane', async () => {
    const { nc } = await env.connect('APP', 'mail');
    const jsm = await jetstreamManager(nc);
    for (const [durable, filter] of [
      ['mail', 'mail.send'],
      ['mail_prio_high', 'mail.send._prio.high'],
      ['mail_prio_low', 'mail.send._prio.low'],
    ]) {
      await jsm.consumers.add('WORK', consumer(durable, filter));
    }
    const high = await jetstream(nc).consumers.get('WORK', 'mail_prio_high');
    const msg = await high.next({ expires: 2000 });
    expect(msg?.subject).toBe('mail.send._prio.high');
    expect(await msg?.ackAck()).toBe(true);
    const error = await refusal(
      jsm.consumers.add('WORK', consumer('mail_prio_urgent', 'mail.send._prio.urgent')),
      'mail',
    );
    expect(error).toMatchObject({ user: 'mail', operation: 'publish' });
  });

  it('fairness: the worker finds groups, creates a group durable on its group lanes only, pulls, acks and deletes it', async () => {
    const { nc } = await env.connect('APP', 'report');
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info('WORK', { subjects_filter: 'report.build._group.*' });
    expect(info.state.subjects).toEqual({ 'report.build._group.acme': 1 });
    await jsm.consumers.add('WORK', consumer('report_group_acme', 'report.build._group.acme'));
    const group = await jetstream(nc).consumers.get('WORK', 'report_group_acme');
    const msg = await group.next({ expires: 2000 });
    expect(msg?.subject).toBe('report.build._group.acme');
    expect(await msg?.ackAck()).toBe(true);
    expect(await jsm.consumers.delete('WORK', 'report_group_acme')).toBe(true);

    for (const [durable, filter] of [
      ['report_group_x', 'mail.send'],
      ['report_group_y', 'report.build'],
    ]) {
      const error = await refusal(jsm.consumers.add('WORK', consumer(durable, filter)), 'report');
      expect(error).toMatchObject({
        user: 'report',
        subject: `$JS.API.CONSUMER.CREATE.WORK.${durable}.${filter}`,
      });
    }
    const error = await refusal(jetstream(nc).consumers.get('OTHER', 'report'), 'report');
    expect(error).toMatchObject({ user: 'report', subject: '$JS.API.CONSUMER.INFO.OTHER.report' });
  });
});
