import { RingBuffer } from './ring-buffer';

describe('RingBuffer', () => {
  it('keeps the newest `capacity` items, oldest first', () => {
    const ring = new RingBuffer<number>(3);
    for (let i = 1; i <= 5; i++) ring.push(i);
    expect(ring.toArray()).toEqual([3, 4, 5]);
    expect(ring.size).toBe(3);
  });

  it('holds 17,280 points (24 h at 5 s) and no more', () => {
    const ring = new RingBuffer<number>(17_280);
    for (let i = 0; i < 20_000; i++) ring.push(i);
    const items = ring.toArray();
    expect(items).toHaveLength(17_280);
    expect(items[0]).toBe(20_000 - 17_280);
    expect(items.at(-1)).toBe(19_999);
  });

  it('refuses a capacity below 1', () => {
    expect(() => new RingBuffer(0)).toThrow('capacity must be at least 1');
  });
});
