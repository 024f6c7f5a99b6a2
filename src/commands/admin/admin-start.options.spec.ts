import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { adminOptionsOf } from './admin-start-action';
import { type AdminStartCommandOptions, parseHostOption, parsePortOption } from './admin-start.options';

/** The app's parser, as far as these tests need it (the real one is @jetbus/admin's parseAdminConfig). */
const parser = { parseAdminConfig: (text: string) => parse(text) as never };
const base: AdminStartCommandOptions = { server: 'nats://default:4222', timeout: 5_000 };

function configFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'jetbus-admin-start-')), 'admin.yaml');
  writeFileSync(file, text);
  return file;
}

describe('parsePortOption', () => {
  it.each([
    ['0', 0],
    ['4280', 4280],
    ['65535', 65535],
  ])('reads %s', (value, port) => expect(parsePortOption(value)).toBe(port));

  it.each(['-1', '65536', 'abc', '1.5', ''])('refuses %j', (value) => {
    expect(() => parsePortOption(value)).toThrow(`--port must be a number from 0 to 65535, got "${value}"`);
  });
});

describe('parseHostOption', () => {
  it.each(['127.0.0.1', '::1', '0.0.0.0', 'localhost', 'admin.internal'])('reads %s', (host) => {
    expect(parseHostOption(host)).toBe(host);
  });

  it.each(['http://x', 'a b', ''])('refuses %j', (host) => {
    expect(() => parseHostOption(host)).toThrow('--host must be an interface address');
  });
});

describe('adminOptionsOf', () => {
  const fromDefault = () => 'default';
  const fromCli = (typed: string[]) => (name: string) => (typed.includes(name) ? 'cli' : 'default');

  it('without a file: the connection options and nothing else', async () => {
    expect(await adminOptionsOf(base, fromDefault, parser)).toEqual({
      nats: { servers: ['nats://default:4222'] },
    });
  });

  describe('when the file names the server', () => {
    const file = configFile(
      'nats: { servers: nats://file:4222, credsFile: /file.creds }\nport: 1\nhost: 0.0.0.0',
    );

    it('the file beats the default server and the env creds', async () => {
      const options = { ...base, config: file, creds: '/env.creds' };
      expect(await adminOptionsOf(options, fromDefault, parser)).toEqual({
        nats: { servers: 'nats://file:4222', credsFile: '/file.creds' },
        port: 1,
        host: '0.0.0.0',
      });
    });

    it('a typed --server, --creds, --port and --host beat the file', async () => {
      const options = {
        ...base,
        config: file,
        server: 'nats://a:1,nats://b:2',
        creds: '/cli.creds',
        port: 0,
        host: '127.0.0.1',
      };
      expect(await adminOptionsOf(options, fromCli(['server', 'creds']), parser)).toEqual({
        nats: { servers: ['nats://a:1', 'nats://b:2'], credsFile: '/cli.creds' },
        port: 0,
        host: '127.0.0.1',
      });
    });
  });

  it('refuses a client certificate: the app signs in to NATS with creds', async () => {
    await expect(adminOptionsOf({ ...base, tlsCert: 'c.pem' }, fromDefault, parser)).rejects.toThrow(
      'the admin app does not take a client certificate',
    );
  });
});
