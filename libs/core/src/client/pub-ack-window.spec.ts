import { PubAckWindow } from './pub-ack-window';

describe('PubAckWindow', () => {
  it('blocks at the window size and resumes once half came back', async () => {
    const w = new PubAckWindow(4);
    for (let i = 0; i < 4; i++) expect(w.acquire()).toBeUndefined();
    let resumed = false;
    const next = w.acquire()!.then(() => (resumed = true));
    w.release();
    await Promise.resolve();
    expect(resumed).toBe(false);
    w.release();
    await next;
    expect(resumed).toBe(true);
  });

  it('idle() waits for every outstanding ack', async () => {
    const w = new PubAckWindow(8);
    w.acquire();
    w.acquire();
    let idle = false;
    const done = w.idle().then(() => (idle = true));
    w.release();
    await Promise.resolve();
    expect(idle).toBe(false);
    w.release();
    await done;
    expect(idle).toBe(true);
  });
});
