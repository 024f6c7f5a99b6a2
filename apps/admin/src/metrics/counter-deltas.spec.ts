import { type CounterReading, type CounterSnapshot, counterDeltas } from './counter-deltas';

const T0 = Date.parse('2026-11-30T07:00:00.000Z');

const reading = (processed: number, startedAt = T0 - 60_000): CounterReading => ({
  startedAt,
  processed,
  failed: processed > 0 ? 1 : 0,
  retried: 0,
  deadLettered: 0,
});

const snapshot = (entries: Record<string, CounterReading>): CounterSnapshot =>
  new Map(Object.entries(entries));

describe('counterDeltas', () => {
  it('adds the growth of every counter a process kept', () => {
    const before = snapshot({ a: reading(10), b: reading(5) });
    const after = snapshot({ a: reading(25), b: reading(5) });
    expect(counterDeltas(before, T0, after)).toEqual({
      processed: 15,
      failed: 0,
      retried: 0,
      deadLettered: 0,
    });
  });

  describe('when the process restarted under the same key', () => {
    it('counts all of its new values as new work, even a counter that did not go down', () => {
      const before = snapshot({ a: { ...reading(100), retried: 2 } });
      const after = snapshot({ a: { ...reading(7, T0 + 1_000), retried: 2 } });
      expect(counterDeltas(before, T0, after)).toEqual({
        processed: 7,
        failed: 1,
        retried: 2,
        deadLettered: 0,
      });
    });

    it('sees the reset from a counter that went down when the start time is the same', () => {
      const before = snapshot({ a: { ...reading(100), retried: 2 } });
      const after = snapshot({ a: { ...reading(7), retried: 2 } });
      expect(counterDeltas(before, T0, after)).toEqual({
        processed: 7,
        failed: 1,
        retried: 2,
        deadLettered: 0,
      });
    });
  });

  describe('when a process is first seen', () => {
    it('counts it in full when it started after the previous sample', () => {
      const after = snapshot({ fresh: reading(9, T0 + 1) });
      expect(counterDeltas(snapshot({}), T0, after).processed).toBe(9);
    });

    it('counts nothing when it was already running unseen: its total is history', () => {
      const after = snapshot({ old: reading(1_000, T0 - 1) });
      expect(counterDeltas(snapshot({}), T0, after).processed).toBe(0);
    });
  });

  describe('when a process disappears', () => {
    it('adds nothing, never a negative count', () => {
      const before = snapshot({ a: reading(10), gone: reading(500) });
      const after = snapshot({ a: reading(12) });
      expect(counterDeltas(before, T0, after)).toEqual({
        processed: 2,
        failed: 0,
        retried: 0,
        deadLettered: 0,
      });
    });
  });
});
