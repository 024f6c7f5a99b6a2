import { runInThisContext } from 'node:vm';
import { NatsServer } from './nats-server';

describe('live server registry', () => {
  it('tracks a started server on the host process until stop()', async () => {
    // Jest's own `process` copy never emits 'exit', so the registry must live on the host process.
    const host = runInThisContext('process') as NodeJS.Process & Record<symbol, Set<unknown> | undefined>;
    const server = await NatsServer.start({ jetstream: false });
    const registry = host[Symbol.for('@jetbus/testing/live-servers')];
    try {
      expect(registry?.has(server)).toBe(true);
      expect(host.listeners('exit').length).toBeGreaterThanOrEqual(1);
    } finally {
      await server.stop();
    }
    expect(registry?.has(server)).toBe(false);
  });
});
