import { appendAdmission, decodeLog, nextSlot } from './sliding-log';

const limit = { max: 3, perMs: 1000, guardMs: 50 };

describe('sliding log', () => {
  it('admits at once while fewer than max admissions are in the log', () => {
    expect(nextSlot([], 5000, limit)).toBe(5000);
    expect(nextSlot([4000, 4500], 5000, limit)).toBe(5000);
  });

  it('with max admissions, the next slot is per + guard after the max-th last one', () => {
    expect(nextSlot([4000, 4100, 4200], 4300, limit)).toBe(5050);
    expect(nextSlot([3000, 4100, 4200], 4300, limit)).toBe(4300);
  });

  it('never goes below the last entry (a reservation, or a clock ahead of ours)', () => {
    expect(nextSlot([4000, 6000], 5000, limit)).toBe(6000);
  });

  it('keeps the last max entries that can still hold a later admission back', () => {
    expect(appendAdmission([1000, 4000, 4100, 4200], 5050, limit)).toEqual([4100, 4200, 5050]);
    expect(appendAdmission([1000, 3900], 5000, limit)).toEqual([5000]);
  });

  it('holds the limit in every window of per, for random arrivals, starts up to the guard late', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const big = { max: 5, perMs: 1000, guardMs: 50 };
    let log: number[] = [];
    const starts: number[] = [];
    let now = 0;
    for (let i = 0; i < 2000; i++) {
      now += Math.floor(random() * 120);
      const at = nextSlot(log, now, big);
      log = appendAdmission(log, at, big);
      starts.push(at + Math.floor(random() * (big.guardMs + 1)));
      expect(log.length).toBeLessThanOrEqual(big.max);
    }
    starts.sort((a, b) => a - b);
    for (let i = 0; i + big.max < starts.length; i++) {
      expect(starts[i + big.max] - starts[i]).toBeGreaterThanOrEqual(big.perMs);
    }
  });

  it('reads only an ascending list of numbers; anything else is an empty log', () => {
    expect(decodeLog('[1,2,2,5]')).toEqual([1, 2, 2, 5]);
    expect(decodeLog('[5,1]')).toEqual([]);
    expect(decodeLog('{"a":1}')).toEqual([]);
    expect(decodeLog('not json')).toEqual([]);
  });

  it('counts a log with an admission past notAfter as empty: no worker wrote it, and it would hold the key forever', () => {
    expect(decodeLog('[1000, 9000000000000000]', 5000)).toEqual([]);
    expect(decodeLog('[1000, 5000]', 5000)).toEqual([1000, 5000]);
  });
});
