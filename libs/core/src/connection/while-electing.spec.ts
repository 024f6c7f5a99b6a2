import pino from 'pino';
import { whileElecting } from './while-electing';

const logger = pino({ level: 'silent' });
const timeout = () => Object.assign(new Error('timeout'), { name: 'TimeoutError' });
const apiError = (code: number) => Object.assign(new Error(`api ${code}`), { code });

describe('whileElecting', () => {
  it('retries unanswered requests and 10008 until JetStream answers', async () => {
    const failures = [timeout(), apiError(10008), timeout()];
    let calls = 0;
    const result = await whileElecting(
      'x',
      async () => {
        calls++;
        const f = failures.shift();
        if (f) throw f;
        return 'answered';
      },
      logger,
    );
    expect(result).toBe('answered');
    expect(calls).toBe(4);
  });

  it('does not retry a refusal or "no responders" (no JetStream at all)', async () => {
    for (const e of [apiError(10059), Object.assign(new Error('503'), { name: 'NoRespondersError' })]) {
      let calls = 0;
      await expect(
        whileElecting(
          'x',
          async () => {
            calls++;
            throw e;
          },
          logger,
        ),
      ).rejects.toBe(e);
      expect(calls).toBe(1);
    }
  });

  it('gives up after its wait with the last error', async () => {
    const last = timeout();
    await expect(
      whileElecting(
        'x',
        async () => {
          throw last;
        },
        logger,
        { waitMs: 1 },
      ),
    ).rejects.toBe(last);
  });
});
