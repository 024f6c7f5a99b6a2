import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import {
  createAccount,
  createOperator,
  createUser,
  encodeAccount,
  encodeOperator,
  encodeUser,
  fmtCreds,
} from '@nats-io/jwt';
import { connect, credsAuthenticator } from '@nats-io/transport-node';
import { NatsServer } from './nats-server';

jest.setTimeout(20_000);

// Operator mode is configured entirely by the caller's `config`; this proves it composes with the
// generated listen / server_name / jetstream blocks (the JWTs here stand in for what @jetbus/auth makes).
describe('NatsServer in operator mode', () => {
  let dir: string;
  let server: NatsServer;
  let creds: Uint8Array;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jetbus-operator-spec-'));
    const operator = createOperator();
    const system = createAccount();
    const app = createAccount();
    const user = createUser();
    const operatorJwt = await encodeOperator('jetbus-test', operator, {
      system_account: system.getPublicKey(),
    });
    const systemJwt = await encodeAccount('SYS', system, {}, { signer: operator });
    // Every limit left out is 0: no connections (`conn`), no subscriptions, no JetStream.
    const appJwt = await encodeAccount(
      'APP',
      app,
      {
        limits: {
          conn: -1,
          subs: -1,
          data: -1,
          payload: -1,
          imports: -1,
          exports: -1,
          wildcards: true,
          leaf: -1,
          mem_storage: -1,
          disk_storage: -1,
          streams: -1,
          consumer: -1,
        },
      },
      { signer: operator },
    );
    creds = fmtCreds(await encodeUser('worker', user, app), user);
    server = await NatsServer.start({
      config: [
        `operator: ${operatorJwt}`,
        `system_account: ${system.getPublicKey()}`,
        `resolver: { type: full, dir: ${JSON.stringify(join(dir, 'jwt'))} }`,
        'resolver_preload: {',
        `  ${system.getPublicKey()}: ${systemJwt}`,
        `  ${app.getPublicKey()}: ${appJwt}`,
        '}',
      ].join('\n'),
    });
  });

  afterAll(async () => {
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('authenticates a user from its creds and gives its account JetStream', async () => {
    await expect(connect({ servers: server.url, reconnect: false })).rejects.toThrow(/Authorization/i);
    const nc = await connect({
      servers: server.url,
      authenticator: credsAuthenticator(creds),
      reconnect: false,
    });
    try {
      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: 'JOBS', subjects: ['jobs.>'] });
      await expect(jetstream(nc).publish('jobs.a', 'a')).resolves.toMatchObject({ stream: 'JOBS', seq: 1 });
    } finally {
      await nc.close();
    }
  });
});
