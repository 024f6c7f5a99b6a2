import { JetbusConfigError } from '../errors';
import { resolveModuleOptions } from './resolve-module-options';

const valid = { servers: 'nats://127.0.0.1:4222', name: 'orders' };

function optionOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof JetbusConfigError) return e.option;
    throw e;
  }
  return undefined;
}

describe('resolveModuleOptions', () => {
  it('fills documented defaults', () => {
    const o = resolveModuleOptions({ ...valid, streams: [{ name: 'ORDERS', subjects: ['orders.>'] }] });
    expect(o.servers).toEqual(['nats://127.0.0.1:4222']);
    expect(o.publishTimeoutMs).toBe(5000);
    expect(o.publishWindow).toBe(256);
    expect(o.maxReconnectAttempts).toBe(-1);
    expect(o.shutdownGracePeriodMs).toBe(10000);
    expect(o.repairStranded).toBe(false);
    expect(o.heartbeat).toEqual({ intervalMs: 5000 });
    expect(resolveModuleOptions({ ...valid, heartbeat: false }).heartbeat).toBe(false);
    expect(resolveModuleOptions({ ...valid, heartbeat: { interval: '250ms' } }).heartbeat).toEqual({
      intervalMs: 250,
    });
    expect(o.streams[0]).toEqual({
      name: 'ORDERS',
      subjects: ['orders.>'],
      retention: 'limits',
      storage: 'file',
      replicas: 1,
      maxAgeMs: 0,
      maxMsgs: -1,
      maxBytes: -1,
      maxMsgsPerSubject: -1,
      maxMsgSize: -1,
      discard: 'new',
      duplicateWindowMs: 120000,
    });
  });

  it.each([
    [{ ...valid, servers: undefined }, 'servers'],
    [{ ...valid, servers: [] }, 'servers'],
    [{ ...valid, servers: ' ' }, 'servers'],
    [{ ...valid, name: 'has space' }, 'name'],
    [{ ...valid, name: undefined }, 'name'],
    [{ ...valid, publishWindow: 0 }, 'publishWindow'],
    [{ ...valid, publishTimeout: 'soonish' }, 'publishTimeout'],
    [{ ...valid, streams: [{ name: 'S', subjects: ['s'], retention: 'fifo' }] }, 'streams[0].retention'],
    [{ ...valid, streams: [{ name: 'S', subjects: [] }] }, 'streams[0].subjects'],
    [{ ...valid, streams: [{ name: 'A.B', subjects: ['s'] }] }, 'streams[0].name'],
    [{ ...valid, streams: [{ name: 'S', subjects: ['s'], maxMsgs: 0 }] }, 'streams[0].maxMsgs'],
    [{ ...valid, streams: [{ name: 'S', subjects: ['s'], replicas: 7 }] }, 'streams[0].replicas'],
    [
      {
        ...valid,
        streams: [
          { name: 'S', subjects: ['a'] },
          { name: 'S', subjects: ['b'] },
        ],
      },
      'streams[1].name',
    ],
    [{ ...valid, repairStranded: 'yes' }, 'repairStranded'],
  ])('rejects %p naming %s', (options, option) => {
    expect(optionOf(() => resolveModuleOptions(options as never))).toBe(option);
  });

  it('says which values are allowed', () => {
    expect(() =>
      resolveModuleOptions({
        ...valid,
        streams: [{ name: 'S', subjects: ['s'], retention: 'fifo' as never }],
      }),
    ).toThrow(
      'invalid option "streams[0].retention": must be one of limits | workqueue | interest, got "fifo"',
    );
  });
});
