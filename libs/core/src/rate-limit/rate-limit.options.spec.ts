import { JetbusConfigError } from '../errors';
import { resolveJobHandlerOptions } from '../handlers/resolve-job-handler-options';
import { resolveModuleOptions } from '../options/resolve-module-options';

const WHERE = '@JobHandler("orders.created") on OrderJobs.reserve';
const handler = (rateLimit: unknown, defaults: object = {}) =>
  resolveJobHandlerOptions('orders.created', 'orders', { rateLimit } as never, defaults, WHERE);

function configError(fn: () => unknown): JetbusConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof JetbusConfigError) return e;
    throw e;
  }
  throw new Error('no error thrown');
}

describe('rateLimit option', () => {
  it.each([
    ['max 0', { max: 0, per: '1s' }, 'max', 'an integer from 1 to 10000'],
    ['max negative', { max: -5, per: '1s' }, 'max', 'got -5'],
    ['max fractional', { max: 1.5, per: '1s' }, 'max', 'got 1.5'],
    ['max as string', { max: '50', per: '1s' }, 'max', 'got "50"'],
    ['max above 10,000', { max: 10_001, per: '1s' }, 'max', 'got 10001'],
    ['max missing', { per: '1s' }, 'max', 'is required'],
    ['per missing', { max: 5 }, 'per', 'is required'],
    ['per not a duration', { max: 5, per: 'soon' }, 'per', 'a duration like'],
    ['per negative', { max: 5, per: -1 }, 'per', 'non-negative'],
    ['per below 100ms', { max: 5, per: '50ms' }, 'per', 'from 100ms to 24h'],
    ['per above 24h', { max: 5, per: '25h' }, 'per', 'from 100ms to 24h'],
    ['key a number', { max: 5, per: '1s', key: 42 }, 'key', 'a header name or a function'],
    ['key an object', { max: 5, per: '1s', key: { path: 'tenant' } }, 'key', 'a header name or a function'],
    ['key with a space', { max: 5, per: '1s', key: 'X Tenant' }, 'key', 'a header name or a function'],
    ['typo', { max: 5, pre: '1s' }, 'pre', 'did you mean "per"?'],
  ])('%s: JetbusConfigError naming the handler and the option', (_what, value, option, text) => {
    const e = configError(() => handler(value));
    expect(e.option).toBe(`${WHERE}.rateLimit.${option}`);
    expect(e.message).toContain(text);
  });

  it('must be an object', () => {
    expect(configError(() => handler(50)).option).toBe(`${WHERE}.rateLimit`);
  });

  it('is checked in handlerDefaults too, at module resolution', () => {
    const e = configError(() =>
      resolveModuleOptions({
        servers: 'nats://127.0.0.1:4222',
        name: 'orders',
        handlerDefaults: { rateLimit: { max: 0, per: '1s' } },
      } as never),
    );
    expect(e.option).toBe('handlerDefaults.rateLimit.max');
  });

  it('resolves: the window in ms, a guard of min(50ms, per / 10), the key kept', () => {
    const key = (p: unknown) => (p as { tenant: string }).tenant;
    expect(handler({ max: 50, per: '1s', key }).rateLimit).toEqual({
      max: 50,
      perMs: 1000,
      guardMs: 50,
      key,
    });
    expect(handler({ max: 3, per: 200 }).rateLimit).toEqual({
      max: 3,
      perMs: 200,
      guardMs: 20,
      key: undefined,
    });
    expect(handler({ max: 3, per: '1m', key: 'X-Tenant' }).rateLimit?.key).toBe('X-Tenant');
  });

  it('comes from handlerDefaults unless the handler sets its own', () => {
    const defaults = { rateLimit: { max: 10, per: '1s' } };
    const inherited = resolveJobHandlerOptions('orders.created', 'orders', {}, defaults, WHERE);
    expect(inherited.rateLimit?.max).toBe(10);
    expect(handler({ max: 2, per: '1s' }, defaults).rateLimit?.max).toBe(2);
    expect(handler(undefined, defaults).rateLimit).toBeUndefined();
  });
});
