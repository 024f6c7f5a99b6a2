import { IsolationGate } from './isolation-gate';

const tick = () => new Promise((r) => setImmediate(r));

describe('IsolationGate', () => {
  it('lets shared runs in at once while no exclusive run is due', () => {
    const gate = new IsolationGate();
    expect(gate.enterShared()).toBeUndefined();
    expect(gate.enterShared()).toBeUndefined();
  });

  describe('when an exclusive run is due', () => {
    it('waits for the shared runs to leave, holds new ones back, then lets them in after it', async () => {
      const gate = new IsolationGate();
      gate.enterShared();
      const events: string[] = [];
      const exclusive = gate.enterExclusive(10_000).then((ok) => events.push(`exclusive ${ok}`));
      const later = gate.enterShared()!;
      void later.then(() => events.push('shared'));
      await tick();
      expect(events).toEqual([]);
      gate.leaveShared();
      await exclusive;
      await tick();
      expect(events).toEqual(['exclusive true']);
      gate.leaveExclusive();
      await later;
      expect(events).toEqual(['exclusive true', 'shared']);
    });

    it('runs exclusive runs one at a time', async () => {
      const gate = new IsolationGate();
      const order: number[] = [];
      const a = gate.enterExclusive(10_000).then(() => order.push(1));
      const b = gate.enterExclusive(10_000).then(() => order.push(2));
      await a;
      await tick();
      expect(order).toEqual([1]);
      gate.leaveExclusive();
      await b;
      expect(order).toEqual([1, 2]);
    });

    it('gives up after its timeout when a shared run never leaves, and lets shared runs in again', async () => {
      const gate = new IsolationGate();
      gate.enterShared();
      const exclusive = gate.enterExclusive(20);
      const waiting = gate.enterShared();
      expect(waiting).toBeInstanceOf(Promise); // not while an exclusive run is queued
      expect(await exclusive).toBe(false);
      await waiting;
      expect(gate.enterShared()).toBeUndefined();
    });
  });
});
