import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ServerCommandOptions,
  natsConnectionOptions,
  parseInboxPrefix,
  parseServerOption,
  parseTimeoutOption,
} from './connection.options';
import { UsageError } from './usage.error';

const base: ServerCommandOptions = { server: 'nats://127.0.0.1:4222', timeout: 5000 };

describe('parseServerOption', () => {
  it.each([
    'nats://127.0.0.1:4222',
    'tls://nats.example.com:4443',
    'localhost:4222',
    'nats://a:1,nats://b:2',
  ])('accepts %s', (url) => {
    expect(parseServerOption(url)).toBe(url);
  });
  it.each([
    '',
    'http://x:4222',
    'ws://x:80',
    'nats://x:0',
    'nats://x:70000',
    'nats://x:1/path',
    'a b',
    'nats://a:1,',
  ])('refuses "%s" as a usage error', (url) => {
    expect(() => parseServerOption(url)).toThrow(UsageError);
  });
});

describe('parseTimeoutOption and parseInboxPrefix', () => {
  it('reads milliseconds', () => expect(parseTimeoutOption('250')).toBe(250));
  it.each(['0', '-1', '1.5', '5s', '', '86400001'])('refuses --timeout "%s"', (v) => {
    expect(() => parseTimeoutOption(v)).toThrow(
      `--timeout must be a positive number of milliseconds, got "${v}"`,
    );
  });
  it.each(['_INBOX_admin', '_INBOX.admin'])('accepts --inbox-prefix %s', (v) =>
    expect(parseInboxPrefix(v)).toBe(v),
  );
  it.each(['', 'a b', '_INBOX.>', '*', 'a..b', 'a.'])('refuses --inbox-prefix "%s"', (v) => {
    expect(() => parseInboxPrefix(v)).toThrow(UsageError);
  });
});

describe('natsConnectionOptions', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jetbus-conn-opts-'));
    await mkdir(join(dir, 'dir'));
    await writeFile(join(dir, 'garbage'), 'not creds');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('connects once, without reconnecting, with the deadline as connect timeout', async () => {
    expect(await natsConnectionOptions({ ...base, timeout: 1234, inboxPrefix: '_INBOX_admin' })).toEqual({
      servers: ['nats://127.0.0.1:4222'],
      name: 'jetbus-cli',
      reconnect: false,
      timeout: 1234,
      inboxPrefix: '_INBOX_admin',
    });
  });
  it('demands TLS for a tls:// URL even without TLS files', async () => {
    const options = await natsConnectionOptions({ ...base, server: 'tls://127.0.0.1:4443' });
    expect(options.tls).toEqual({});
    expect((await natsConnectionOptions(base)).tls).toBeUndefined();
  });
  it.each([
    ['missing', 'no such file'],
    ['dir', 'it is a directory'],
    ['garbage', 'not a NATS .creds file'],
  ])('reads the creds file "%s" with a one-line error naming it', async (file, reason) => {
    const path = join(dir, file);
    await expect(natsConnectionOptions({ ...base, creds: path })).rejects.toThrow(
      new RegExp(
        `^cannot (read|use) creds file ${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: .*${reason}`,
      ),
    );
  });
  it('reads the TLS files the same way', async () => {
    const path = join(dir, 'missing-ca.pem');
    await expect(natsConnectionOptions({ ...base, tlsCa: path })).rejects.toThrow(
      `cannot read TLS CA file ${path}: no such file`,
    );
    await expect(natsConnectionOptions({ ...base, tlsCert: path })).rejects.toThrow(UsageError);
  });
});
