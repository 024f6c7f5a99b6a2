import {
  parseScheduledSubject,
  releaseDurable,
  scheduledFilter,
  scheduledJobFilter,
  scheduledSubject,
} from './scheduling-names';

describe('scheduling names', () => {
  it('puts the job id before the subject, so one filter finds a job and another a subject', () => {
    expect(scheduledSubject('j1', 'orders.created')).toBe('jetbus.scheduled.j1.orders.created');
    expect(scheduledJobFilter('j1')).toBe('jetbus.scheduled.j1.>');
    expect(scheduledFilter('orders.>')).toBe('jetbus.scheduled.*.orders.>');
    expect(scheduledFilter()).toBe('jetbus.scheduled.*.>');
  });

  it('parses an entry subject back, and nothing else', () => {
    expect(parseScheduledSubject('jetbus.scheduled.j1.orders.created')).toEqual({
      jobId: 'j1',
      subject: 'orders.created',
    });
    expect(parseScheduledSubject('jetbus.scheduled.j1')).toBeUndefined();
    expect(parseScheduledSubject('jetbus.scheduled.j1.')).toBeUndefined();
    expect(parseScheduledSubject('orders.created')).toBeUndefined();
  });

  it('names one release durable per handler subject, wildcards as words', () => {
    expect(releaseDurable('orders.created')).toBe('jetbus-release_orders-created');
    expect(releaseDurable('orders.*.>')).toBe('jetbus-release_orders-any-all');
  });
});
