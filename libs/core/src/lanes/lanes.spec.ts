import { JetbusConfigError } from '../errors';
import {
  groupDurable,
  groupSubject,
  laneBaseSubject,
  laneOwnerCandidates,
  priorityDurable,
  prioritySubject,
} from '../wire/lane-names';
import { parseFairness, parsePriorities, resolveLanes } from './lane-options';
import { publishLaneSubject } from './publish-lane';
import { captures } from './subject-capture';
import { WeightedPicker } from './weighted-picker';
import { unknownLaneProblem } from './unknown-lanes';

const configError = (fn: () => unknown): JetbusConfigError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof JetbusConfigError) return e;
    throw e;
  }
  throw new Error('expected a JetbusConfigError');
};

describe('WeightedPicker', () => {
  it('gives each lane its weight share, interleaved, and never starves the lightest', () => {
    const picker = new WeightedPicker<string>();
    const lanes = [
      { key: 'high', weight: 8 },
      { key: 'normal', weight: 3 },
      { key: 'low', weight: 1 },
    ];
    const picks = Array.from({ length: 120 }, () => picker.pick(lanes)!);
    const count = (k: string) => picks.filter((p) => p === k).length;
    expect([count('high'), count('normal'), count('low')]).toEqual([80, 30, 10]);
    // Within every window of 12 picks, low gets exactly one.
    for (let i = 0; i < 120; i += 12)
      expect(picks.slice(i, i + 12).filter((p) => p === 'low')).toHaveLength(1);
  });

  it('round-robins equal weights and picks nothing from no candidates', () => {
    const picker = new WeightedPicker<string>();
    const groups = ['a', 'b', 'c'].map((key) => ({ key, weight: 1 }));
    expect(Array.from({ length: 6 }, () => picker.pick(groups))).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
    expect(picker.pick([])).toBeUndefined();
  });
});

describe('lane subjects and durables', () => {
  it('keeps normal on the handler subject and durable', () => {
    expect(prioritySubject('orders.created', 'normal')).toBe('orders.created');
    expect(prioritySubject('orders.created', 'high')).toBe('orders.created._prio.high');
    expect(priorityDurable('svc_orders', 'normal')).toBe('svc_orders');
    expect(priorityDurable('svc_orders', 'low')).toBe('svc_orders_prio_low');
    expect(groupSubject('orders.created', 'tenant-7')).toBe('orders.created._group.tenant-7');
    expect(groupDurable('svc_orders', 'tenant-7')).toBe('svc_orders_group_tenant-7');
  });

  it('finds the handler durable a lane durable may belong to', () => {
    expect(laneOwnerCandidates('svc_mail_prio_high')).toEqual(['svc_mail']);
    expect(laneOwnerCandidates('svc_mail_group_acme')).toEqual(['svc_mail']);
    expect(laneOwnerCandidates('a_group_b_group_c')).toEqual(['a', 'a_group_b']);
    expect(laneOwnerCandidates('svc_mail')).toEqual([]);
  });

  it('finds the handler subject of a lane subject', () => {
    expect(laneBaseSubject('pay.charge._prio.high')).toBe('pay.charge');
    expect(laneBaseSubject('pay.charge._group.acme-1')).toBe('pay.charge');
    expect(laneBaseSubject('pay.charge._prio.normal')).toBe('pay.charge._prio.normal');
    expect(laneBaseSubject('pay.charge')).toBe('pay.charge');
  });

  it('checks that a stream subject captures a lane subject', () => {
    expect(captures('orders.>', 'orders.created._prio.high')).toBe(true);
    expect(captures('orders.*', 'orders.created._prio.high')).toBe(false);
    expect(captures('orders.created._prio.*', 'orders.created._prio.high')).toBe(true);
    expect(captures('orders.created._group.*', 'orders.created._group.*')).toBe(true);
    expect(captures('orders.created._group.a', 'orders.created._group.*')).toBe(false);
    expect(captures('*.*._prio.high', 'orders.*._prio.high')).toBe(true);
    expect(captures('orders.>', 'orders')).toBe(false);
  });
});

describe('publishLaneSubject', () => {
  it('maps priority and group to their lane subjects', () => {
    expect(publishLaneSubject('jobs.x', {})).toBe('jobs.x');
    expect(publishLaneSubject('jobs.x', { priority: 'normal' })).toBe('jobs.x');
    expect(publishLaneSubject('jobs.x', { priority: 'low' })).toBe('jobs.x._prio.low');
    expect(publishLaneSubject('jobs.x', { group: 'acme_1' })).toBe('jobs.x._group.acme_1');
  });

  it('refuses a bad priority or group with a typed error naming the option', () => {
    expect(configError(() => publishLaneSubject('j', { priority: 'urgent' as never })).option).toBe(
      'priority',
    );
    for (const group of ['', 'a.b', 'a*', 'a b', 'x'.repeat(65), 42 as never]) {
      expect(configError(() => publishLaneSubject('j', { group })).option).toBe('group');
    }
    expect(configError(() => publishLaneSubject('j', { priority: 'high', group: 'a' })).option).toBe('group');
  });
});

describe('lane options', () => {
  it('resolves defaults and checks values', () => {
    expect(parsePriorities(true, 'p')).toEqual({
      kind: 'priorities',
      weights: { high: 8, normal: 3, low: 1 },
    });
    expect(parsePriorities({ high: 20 }, 'p')).toEqual({
      kind: 'priorities',
      weights: { high: 20, normal: 3, low: 1 },
    });
    expect(parseFairness(true, 'f')).toEqual({
      kind: 'fairness',
      maxGroups: 100,
      discoverEveryMs: 1000,
      idleAfterMs: 60_000,
    });
    expect(configError(() => parsePriorities({ high: 0 }, 'h.priorities')).option).toBe('h.priorities.high');
    expect(configError(() => parsePriorities({ urgent: 1 }, 'h.priorities')).option).toBe(
      'h.priorities.urgent',
    );
    expect(configError(() => parseFairness({ discoverEvery: '10ms' }, 'h.fairness')).option).toBe(
      'h.fairness.discoverEvery',
    );
    expect(configError(() => parseFairness({ maxGroups: 1.5 }, 'h.fairness')).option).toBe(
      'h.fairness.maxGroups',
    );
  });

  it('refuses both kinds on one handler, and lanes after a subject ending in >', () => {
    const at = (n: string) => `h.${n}`;
    expect(
      configError(() => resolveLanes('a.b', parsePriorities(true, 'p'), parseFairness(true, 'f'), at)).option,
    ).toBe('h.fairness');
    expect(configError(() => resolveLanes('a.>', parsePriorities(true, 'p'), undefined, at)).option).toBe(
      'h.priorities',
    );
    expect(resolveLanes('a.*', undefined, parseFairness(true, 'f'), at)).toMatchObject({ kind: 'fairness' });
  });
});

describe('unknownLaneProblem', () => {
  it('accepts the lanes a handler has', () => {
    expect(unknownLaneProblem('emails.send', 'emails.send._prio.high', 'priorities')).toBeUndefined();
    expect(unknownLaneProblem('emails.send', 'emails.send._prio.low', 'priorities')).toBeUndefined();
    expect(unknownLaneProblem('reports.build', 'reports.build._group.acme-1_x', 'fairness')).toBeUndefined();
  });

  it('names what a raw client can store under the lane prefix that no lane takes', () => {
    for (const lane of [
      '_prio.urgent',
      '_prio.HIGH',
      '_prio.high.x',
      '_prio.normal',
      `_prio.${'u'.repeat(3_000)}`,
    ])
      expect(unknownLaneProblem('emails.send', `emails.send.${lane}`, 'priorities')).toMatch(
        /is not a priority lane/,
      );
    for (const lane of ['_group.a*b', '_group.é', '_group.x.y', `_group.${'g'.repeat(65)}`])
      expect(unknownLaneProblem('reports.build', `reports.build.${lane}`, 'fairness')).toMatch(
        /is not a group lane/,
      );
    // Quoted in the dead letter's error, at most 100 characters of it.
    expect(unknownLaneProblem('e', `e._prio.${'u'.repeat(3_000)}`, 'priorities')!.length).toBeLessThan(200);
  });
});
