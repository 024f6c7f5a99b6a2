import { JetbusConfigError } from '../../errors';
import { resolveModuleOptions } from '../../options/resolve-module-options';
import { resolvePeriodicDecorator, resolvePeriodicDefinitions } from './resolve-periodic';

const base = { servers: 'nats://127.0.0.1:4222', name: 'svc' };

function errorOf(fn: () => unknown): JetbusConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof JetbusConfigError) return e;
    throw e;
  }
  throw new Error('no error thrown');
}

describe('periodic options', () => {
  it('defaults: UTC, overlap, skip missed ticks, tick subject jetbus.periodic.<name>', () => {
    expect(resolvePeriodicDecorator('0 */5 * * * *', {}, 'Reports.run', 'Reports-run')).toEqual({
      name: 'Reports-run',
      cron: '0 */5 * * * *',
      timezone: 'UTC',
      subject: 'jetbus.periodic.Reports-run',
      payload: undefined,
      overlap: true,
      missed: 'skip',
      handler: 'Reports.run',
      where: '@Periodic("0 */5 * * * *") on Reports.run',
    });
  });

  it('module schedules need a subject, and keep their options', () => {
    expect(
      resolveModuleOptions({
        ...base,
        periodic: [
          {
            name: 'nightly',
            cron: '0 2 * * *',
            subject: 'reports.nightly',
            payload: { full: true },
            timezone: 'Europe/Paris',
            overlap: false,
            missed: 'run-once',
          },
        ],
      }).periodic,
    ).toEqual([
      {
        name: 'nightly',
        cron: '0 2 * * *',
        timezone: 'Europe/Paris',
        subject: 'reports.nightly',
        payload: { full: true },
        overlap: false,
        missed: 'run-once',
        handler: undefined,
        where: 'periodic[0]',
      },
    ]);
    expect(errorOf(() => resolvePeriodicDefinitions([{ name: 'x', cron: '* * * * *' }])).option).toBe(
      'periodic[0].subject',
    );
  });

  it.each([
    [[{ name: 'x', cron: '61 * * * *', subject: 'a.b' }], 'periodic[0].cron', 'minute'],
    [[{ name: 'x', cron: '', subject: 'a.b' }], 'periodic[0].cron', 'cron expression'],
    [
      [{ name: 'x', cron: '* * * * *', subject: 'a.b', timezone: 'Mars/Olympus' }],
      'periodic[0].timezone',
      'Mars/Olympus',
    ],
    [[{ name: 'a b', cron: '* * * * *', subject: 'a.b' }], 'periodic[0].name', 'schedule name'],
    [[{ name: 'x', cron: '* * * * *', subject: 'a.*' }], 'periodic[0].subject', 'without wildcards'],
    [[{ name: 'x', cron: '* * * * *', subject: 'a.b', missed: 'all' }], 'periodic[0].missed', 'all'],
    [[{ name: 'x', cron: '* * * * *', subject: 'a.b', overlaps: false }], 'periodic[0].overlaps', 'overlap'],
    [
      [
        { name: 'x', cron: '* * * * *', subject: 'a.b' },
        { name: 'x', cron: '0 * * * *', subject: 'a.c' },
      ],
      'periodic[1].name',
      'also declared by periodic[0]',
    ],
    ['nope', 'periodic', 'array'],
  ])('%j → JetbusConfigError at %s', (periodic, option, text) => {
    const e = errorOf(() => resolveModuleOptions({ ...base, periodic } as never));
    expect(e.option).toBe(option);
    expect(e.message).toContain(text);
  });

  it('a decorator with a bad cron names the method', () => {
    const e = errorOf(() => resolvePeriodicDecorator('* * *', {}, 'Jobs.run', 'Jobs-run'));
    expect(e.message).toContain('@Periodic("* * *") on Jobs.run');
  });
});
