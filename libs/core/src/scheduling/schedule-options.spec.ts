import { JetbusConfigError } from '../errors';
import { parseDeliverAt, resolveSchedule } from './schedule-options';

const NOW = Date.parse('2026-11-30T08:00:00.000Z');

function optionOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof JetbusConfigError) return e.option;
    throw e;
  }
  return undefined;
}

describe('resolveSchedule', () => {
  describe('when neither delay nor deliverAt is set', () => {
    it('is an immediate publish', () => {
      expect(resolveSchedule({}, NOW)).toBeUndefined();
      expect(resolveSchedule({ msgId: 'm' }, NOW)).toBeUndefined();
    });
  });

  describe('when delay is set', () => {
    it('is due that long from now, in milliseconds or a duration string', () => {
      expect(resolveSchedule({ delay: 1500, jobId: 'j' }, NOW)).toEqual({ jobId: 'j', dueAt: NOW + 1500 });
      expect(resolveSchedule({ delay: '2m', jobId: 'j' }, NOW)?.dueAt).toBe(NOW + 120_000);
      expect(resolveSchedule({ delay: 0, jobId: 'j' }, NOW)?.dueAt).toBe(NOW);
    });
  });

  describe('when deliverAt is set', () => {
    it('takes a Date, an ISO 8601 string or epoch milliseconds', () => {
      const at = NOW + 5_000;
      expect(resolveSchedule({ deliverAt: new Date(at), jobId: 'j' }, NOW)?.dueAt).toBe(at);
      expect(resolveSchedule({ deliverAt: new Date(at).toISOString(), jobId: 'j' }, NOW)?.dueAt).toBe(at);
      expect(resolveSchedule({ deliverAt: at, jobId: 'j' }, NOW)?.dueAt).toBe(at);
      expect(parseDeliverAt(String(at))).toBe(at);
    });
  });

  describe('the job id', () => {
    it('is the jobId option, else a valid msgId, else a hash of the msgId, else random', () => {
      expect(resolveSchedule({ delay: 1, jobId: 'mine' }, NOW)?.jobId).toBe('mine');
      expect(resolveSchedule({ delay: 1, msgId: 'order-42' }, NOW)?.jobId).toBe('order-42');
      const hashed = resolveSchedule({ delay: 1, msgId: 'order 42.v2' }, NOW)?.jobId;
      expect(hashed).toMatch(/^[-_A-Za-z0-9]{32}$/);
      expect(resolveSchedule({ delay: 1, msgId: 'order 42.v2' }, NOW)?.jobId).toBe(hashed);
      const a = resolveSchedule({ delay: 1 }, NOW)?.jobId;
      const b = resolveSchedule({ delay: 1 }, NOW)?.jobId;
      expect(a).not.toBe(b);
    });
  });

  // [what, options, the option the JetbusConfigError names]
  const bad: [string, object, string][] = [
    ['negative delay', { delay: -1 }, 'delay'],
    ['delay word', { delay: 'soon' }, 'delay'],
    ['delay object', { delay: {} }, 'delay'],
    ['delay NaN', { delay: Number.NaN }, 'delay'],
    ['delay Infinity', { delay: Number.POSITIVE_INFINITY }, 'delay'],
    ['deliverAt word', { deliverAt: 'tomorrow' }, 'deliverAt'],
    ['deliverAt invalid Date', { deliverAt: new Date(Number.NaN) }, 'deliverAt'],
    ['deliverAt negative', { deliverAt: -1 }, 'deliverAt'],
    ['deliverAt boolean', { deliverAt: true }, 'deliverAt'],
    ['deliverAt blank', { deliverAt: ' ' }, 'deliverAt'],
    ['delay and deliverAt', { delay: 1, deliverAt: NOW }, 'deliverAt'],
    ['jobId with a dot', { delay: 1, jobId: 'a.b' }, 'jobId'],
    ['jobId with a space', { delay: 1, jobId: 'a b' }, 'jobId'],
    ['jobId empty', { delay: 1, jobId: '' }, 'jobId'],
    ['jobId too long', { delay: 1, jobId: 'x'.repeat(129) }, 'jobId'],
    ['jobId number', { delay: 1, jobId: 7 }, 'jobId'],
    ['jobId with a dot, not scheduled', { jobId: 'a.b' }, 'jobId'],
  ];
  it('takes a jobId without a schedule (an ordinary job, cancellable by id)', () => {
    expect(resolveSchedule({ jobId: 'j' }, NOW)).toBeUndefined();
  });
  it.each(bad)('%s fails naming the option', (_what, options, path) => {
    expect(optionOf(() => resolveSchedule(options as never, NOW))).toBe(path);
  });
});
