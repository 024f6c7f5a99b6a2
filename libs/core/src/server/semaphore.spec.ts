import { Semaphore } from './semaphore';

describe('Semaphore', () => {
  it('grants permits synchronously until exhausted, then queues in order', async () => {
    const s = new Semaphore(2);
    expect(s.acquire()).toBeUndefined();
    expect(s.acquire()).toBeUndefined();
    const order: number[] = [];
    const a = s.acquire()!.then(() => order.push(1));
    const b = s.acquire()!.then(() => order.push(2));
    expect(s.inUse).toBe(2);
    s.release();
    await a;
    s.release();
    await b;
    expect(order).toEqual([1, 2]);
    expect(s.inUse).toBe(2);
    s.release();
    s.release();
    expect(s.inUse).toBe(0);
  });

  it('releaseWaiters lets every waiter through', async () => {
    const s = new Semaphore(1);
    s.acquire();
    const waiting = [s.acquire(), s.acquire()];
    s.releaseWaiters();
    await Promise.all(waiting);
    expect(s.inUse).toBe(3);
  });
});
