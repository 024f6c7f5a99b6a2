import { readMark } from './dead-letter-marks';

describe('readMark', () => {
  it('reads what the reaper writes', () => {
    expect(readMark('42')).toEqual({ dlqSeq: 42, minimal: false });
    expect(readMark('42 minimal')).toEqual({ dlqSeq: 42, minimal: true });
  });

  it('takes nothing else for a mark: a mark lets the reaper delete the job without a dead letter', () => {
    for (const value of ['', 'garbage', '0', '-1', '4.2', '42 full', ' 42', '1e3', '9'.repeat(40)])
      expect(readMark(value)).toBeUndefined();
  });
});
