import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connectUser } from '@jetbus/auth';
import { OperatorServer } from '../auth/support/operator-server';
import { runCli } from './support/run-cli';

/*
 * The example's least-privilege `admin` (apps/example/jetbus-auth.yaml) may receive replies only on
 * `_INBOX_admin.>`: the CLI must let it say so (`--inbox-prefix`, `$NATS_INBOX_PREFIX`), and without
 * it fail in one line that says what to do.
 */
const EXAMPLE_POLICY = join(__dirname, '..', '..', 'apps', 'example', 'jetbus-auth.yaml');

describe('jetbus dlq and streams as the example least-privilege admin', () => {
  let nats: OperatorServer;
  let creds: string;

  beforeAll(async () => {
    nats = await OperatorServer.start(readFileSync(EXAMPLE_POLICY, 'utf8'));
    creds = nats.credsFile('admin');
    const { nc } = await connectUser({ servers: nats.url, credsFile: creds, inboxPrefix: '_INBOX_admin' });
    try {
      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: 'ORDERS', subjects: ['orders.>'] });
      await jsm.streams.add({ name: 'JETBUS_DLQ', subjects: ['dlq.>'] });
    } finally {
      await nc.close();
    }
  });
  afterAll(() => nats?.stop());

  it('works with --inbox-prefix _INBOX_admin --creds admin.creds', async () => {
    const [ls, streams] = await Promise.all([
      runCli(['dlq', 'ls', '-s', nats.url, '--creds', creds, '--inbox-prefix', '_INBOX_admin']),
      runCli(['streams', 'ls', '-s', nats.url, '--creds', creds, '--inbox-prefix', '_INBOX_admin', '--json']),
    ]);
    expect(ls).toMatchObject({ code: 0, stdout: 'no dead letters\n', stderr: '' });
    expect(streams).toMatchObject({ code: 0, stderr: '' });
    expect((JSON.parse(streams.stdout) as { name: string }[]).map((s) => s.name)).toEqual([
      'JETBUS_DLQ',
      'ORDERS',
    ]);
  });

  it('works with NATS_URL, NATS_CREDS and NATS_INBOX_PREFIX', async () => {
    const r = await runCli(['dlq', 'ls'], {
      NATS_URL: nats.url,
      NATS_CREDS: creds,
      NATS_INBOX_PREFIX: '_INBOX_admin',
    });
    expect(r).toMatchObject({ code: 0, stdout: 'no dead letters\n', stderr: '' });
  });

  it('without the inbox prefix, fails in one line that names the fix', async () => {
    const r = await runCli(['dlq', 'ls', '-s', nats.url, '--creds', creds, '--timeout', '2000']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: [^\n]*--inbox-prefix[^\n]*\n$/);
  });
});
