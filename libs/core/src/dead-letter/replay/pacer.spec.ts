import { Pacer, pause } from './pacer';

/** A clock that only moves when the pacer sleeps, so the spacing is exact. */
function fakeClock() {
  let now = 1_000;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    advance: (ms: number) => (now += ms),
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

describe('Pacer', () => {
  describe('wait', () => {
    it('lets the first call go at once and spaces the next ones 1000 / rate ms apart', async () => {
      const clock = fakeClock();
      const pacer = new Pacer(4, clock.now, clock.sleep);
      for (let i = 0; i < 4; i++) await pacer.wait();
      expect(clock.sleeps).toEqual([250, 250, 250]);
    });

    it('only waits for what is left of the interval', async () => {
      const clock = fakeClock();
      const pacer = new Pacer(10, clock.now, clock.sleep);
      await pacer.wait();
      clock.advance(60);
      await pacer.wait();
      expect(clock.sleeps).toEqual([40]);
    });

    describe('when the caller fell behind', () => {
      it('does not burst to catch up', async () => {
        const clock = fakeClock();
        const pacer = new Pacer(10, clock.now, clock.sleep);
        await pacer.wait();
        clock.advance(1_000);
        await pacer.wait();
        await pacer.wait();
        await pacer.wait();
        expect(clock.sleeps).toEqual([100, 100]);
      });
    });
  });
});

describe('pause', () => {
  it('resolves at once when the signal is already aborted', async () => {
    const abort = new AbortController();
    abort.abort();
    await expect(pause(60_000, abort.signal)).resolves.toBeUndefined();
  });

  it('resolves early when the signal aborts meanwhile', async () => {
    const abort = new AbortController();
    const paused = pause(60_000, abort.signal);
    abort.abort();
    await expect(paused).resolves.toBeUndefined();
  });
});
