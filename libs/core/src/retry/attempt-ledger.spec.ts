import { NO_ATTEMPTS, readAttemptRecord } from './attempt-ledger';

describe('readAttemptRecord', () => {
  it('reads what the ledger writes', () => {
    const record = {
      settledAt: 3,
      failures: 2,
      isolatedCrashes: 1,
      isolatedAt: 2,
      deferrals: 4,
      deadLetterSeq: 9,
    };
    expect(readAttemptRecord(record)).toEqual(record);
    expect(readAttemptRecord({ failures: 1 })).toEqual({ ...NO_ATTEMPTS, failures: 1 });
  });

  it('counts anything but a whole number of at least 0 as 0, so a count can always reach its limit', () => {
    expect(
      readAttemptRecord({
        settledAt: 'y',
        failures: 'x',
        isolatedCrashes: -1,
        isolatedAt: 1.5,
        deferrals: 1e300,
        deadLetterSeq: '7',
      }),
    ).toEqual(NO_ATTEMPTS);
    for (const garbage of [null, 42, 'x', [1, 2]]) expect(readAttemptRecord(garbage)).toEqual(NO_ATTEMPTS);
  });
});
