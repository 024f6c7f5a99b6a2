// Not all in @jetbus/core's public API: the names its scheduling code uses.
import * as core from '../../../core/src/scheduling/scheduling-names';
import {
  DEFAULT_SCHEDULED_STREAM,
  SCHEDULED_SUBJECT_PREFIX,
  releaseDurable,
  scheduleOutcomesBucket,
  scheduledSubjects,
} from './scheduling-names';

describe('scheduling names the roles grant', () => {
  it('are the ones @jetbus/core uses', () => {
    expect(DEFAULT_SCHEDULED_STREAM).toBe(core.SCHEDULED_STREAM);
    expect(SCHEDULED_SUBJECT_PREFIX).toBe(core.SCHEDULED_SUBJECT_PREFIX);
    for (const subject of ['orders.created', 'orders.*', 'orders.>', 'a.*.b.>']) {
      expect(releaseDurable(subject)).toBe(core.releaseDurable(subject));
      expect(scheduledSubjects(subject)).toBe(core.scheduledFilter(subject));
    }
    expect(scheduleOutcomesBucket('X')).toBe(core.scheduleOutcomesBucket('X'));
  });
});
