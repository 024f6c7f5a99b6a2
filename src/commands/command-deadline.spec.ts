import { withDeadline } from './command-deadline';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('withDeadline', () => {
  it('resolves with the result when in time', async () => {
    await expect(
      withDeadline(
        200,
        () => new Error('late'),
        () => Promise.resolve(7),
      ),
    ).resolves.toBe(7);
  });
  it('rejects with the expiry error and aborts the signal when late', async () => {
    let signal: AbortSignal | undefined;
    await expect(
      withDeadline(
        20,
        () => new Error('late'),
        async (d) => {
          signal = d.signal;
          await sleep(200);
        },
      ),
    ).rejects.toThrow('late');
    expect(signal?.aborted).toBe(true);
  });
  it('extend pushes the deadline back, Infinity lifts it', async () => {
    await expect(
      withDeadline(
        30,
        () => new Error('late'),
        async (d) => {
          d.extend(Number.POSITIVE_INFINITY);
          await sleep(80);
          d.extend(100);
          await sleep(50);
          return 'done';
        },
      ),
    ).resolves.toBe('done');
  });
});
