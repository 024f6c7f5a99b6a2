import { type ApiResponse } from '../support/use-admin';
import { useAdmin } from '../support/use-admin';

interface Health {
  status: 'ok' | 'error';
  info?: Record<string, { status: string }>;
  error?: Record<string, { status: string; message?: string }>;
}

/** Asks until `done(answer)`: the app notices a server going away or coming back on its own time. */
async function until(ask: () => Promise<ApiResponse<Health>>, done: (r: ApiResponse<Health>) => boolean) {
  for (;;) {
    const res = await ask();
    if (done(res)) return res;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('GET /health', () => {
  const t = useAdmin();

  it('is public and says NATS and JetStream are up', async () => {
    const res = await t.anonymous.get<Health>('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'ok',
      info: { nats: { status: 'up', server: '2.9.10', streams: 1 } },
      error: {},
      details: { nats: { status: 'up', server: '2.9.10', streams: 1 } },
    });
  });

  it('answers 503 while the nats-server is down and 200 again once it is back', async () => {
    await t.server.shutdown();
    const down = await until(
      () => t.anonymous.get<Health>('/health'),
      (r) => r.status !== 200,
    );
    expect(down.status).toBe(503);
    expect(down.body.status).toBe('error');
    expect(down.body.error?.nats).toEqual({ status: 'down', message: 'not connected to NATS' });

    await t.server.restart();
    const up = await until(
      () => t.anonymous.get<Health>('/health'),
      (r) => r.status === 200,
    );
    expect(up.body.status).toBe('ok');
  }, 30_000);
});
