// Not all in @jetbus/core's public API: the names its periodic code uses.
import * as core from '../../../core/src/scheduling/periodic/periodic-names';
import { PERIODIC_BUCKET, PERIODIC_STREAM, PERIODIC_SUBJECT_PREFIX, periodicSubject } from './periodic-names';

describe('periodic names the roles grant', () => {
  it('are the ones @jetbus/core uses', () => {
    expect(PERIODIC_STREAM).toBe(core.PERIODIC_STREAM);
    expect(PERIODIC_BUCKET).toBe(core.PERIODIC_BUCKET);
    expect(PERIODIC_SUBJECT_PREFIX).toBe(core.PERIODIC_SUBJECT_PREFIX);
    expect(periodicSubject('nightly')).toBe(core.periodicSubject('nightly'));
    for (const key of [core.lastTickKey('n'), core.definitionKey('n'), core.pausedKey('n')])
      expect(key).toMatch(/^(last|def|paused)\.n$/);
  });
});
