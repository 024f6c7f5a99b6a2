import { LOOPBACK_HOST_NAMES, hostAllowed, hostNameOf, isLoopbackBind } from './allowed-hosts';

describe('allowed hosts', () => {
  it.each([
    ['127.0.0.1:4280', '127.0.0.1'],
    ['LocalHost:80', 'localhost'],
    ['localhost.:4280', 'localhost'],
    ['[::1]:4280', '[::1]'],
    ['admin.example.com', 'admin.example.com'],
    ['', undefined],
    [undefined, undefined],
    ['evil.example:4280:1', undefined],
    ['user@localhost', undefined],
    ['localhost/x', undefined],
    ['local host', undefined],
    ['[::1', undefined],
    ['::1', undefined],
  ])('reads the host name of %j as %j', (header, name) => {
    expect(hostNameOf(header)).toBe(name);
  });

  it('matches exact names and *.domain patterns, never a suffix without its dot', () => {
    expect(hostAllowed('localhost', LOOPBACK_HOST_NAMES)).toBe(true);
    expect(hostAllowed('app.localhost', LOOPBACK_HOST_NAMES)).toBe(true);
    expect(hostAllowed('[::1]', LOOPBACK_HOST_NAMES)).toBe(true);
    expect(hostAllowed('evillocalhost', LOOPBACK_HOST_NAMES)).toBe(false);
    expect(hostAllowed('localhost.evil.example', LOOPBACK_HOST_NAMES)).toBe(false);
    expect(hostAllowed('127.0.0.2', LOOPBACK_HOST_NAMES)).toBe(false);
    expect(hostAllowed('a.ops.example.com', ['*.ops.example.com'])).toBe(true);
    expect(hostAllowed('ops.example.com', ['*.ops.example.com'])).toBe(false);
  });

  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['::1', true],
    ['[::1]', true],
    ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false],
    ['::', false],
    ['10.0.0.5', false],
    ['admin.internal', false],
  ])('takes binding %s as loopback: %s', (host, loopback) => {
    expect(isLoopbackBind(host)).toBe(loopback);
  });
});
