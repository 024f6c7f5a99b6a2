import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type INestApplicationContext } from '@nestjs/common';
import { applyPolicy, authPaths, parsePolicy } from '@jetbus/auth';
import {
  AuthenticationError,
  JetbusClient,
  JetbusConnection,
  type JetbusModuleOptions,
  NotConnectedError,
} from '@jetbus/core';
import { captureLogs, startJetbusApp } from '../support/jetbus-app';
import { waitFor } from '../support/wait-for';
import { OperatorServer } from './support/operator-server';
import { failure } from '../support/failure';

/*
 * Refused credentials at JetbusModule startup, and a live connection cut off by revocation, each a
 * typed AuthenticationError naming the user. nats-server 2.9.10 answers every refusal at connect
 * time with the same "Authorization Violation": an expired user is told apart locally (its JWT's
 * exp), a revoked one only while it is connected ("User Authentication Revoked").
 */

const policy = (operator: string) => `
operator: { name: ${operator} }
roles:
  publisher: { producer: { subjects: [auth.>] } }
accounts:
  APP:
    users:
      api: { roles: [publisher] }
      expired: { roles: [publisher], expires: 2001-01-01T00:00:00Z }
      victim: { roles: [publisher] }
      live: { roles: [publisher] }
`;

describe('authentication failures are typed (operator mode)', () => {
  let nats: OperatorServer;
  let strangerDir: string;
  const apps: INestApplicationContext[] = [];
  const options = (extra: Partial<JetbusModuleOptions>): JetbusModuleOptions => ({
    servers: nats.url,
    name: 'auth-e2e',
    logger: false,
    deadLetter: false,
    ...extra,
  });
  const start = async (extra: Partial<JetbusModuleOptions>) => {
    const app = await startJetbusApp(options(extra), [], { start: false });
    apps.push(app);
    return app;
  };

  beforeAll(async () => {
    nats = await OperatorServer.start(policy('jetbus-e2e-auth'));
    // Creds a different operator signed: valid-looking, unknown to this server.
    strangerDir = await mkdtemp(join(tmpdir(), 'jetbus-auth-e2e-stranger-'));
    await applyPolicy({ policy: parsePolicy(policy('someone-else')), dir: strangerDir });
  });
  afterAll(async () => {
    for (const app of apps) await app.close().catch(() => undefined);
    await nats?.stop();
    await rm(strangerDir, { recursive: true, force: true });
  });

  it('connects a valid user (the baseline)', async () => {
    const app = await start({ credsFile: nats.credsFile('api') });
    expect(app.get(JetbusConnection).user).toBe('api');
    await app
      .get(JetbusClient)
      .publish('auth.nowhere', {})
      .catch(() => undefined);
  });

  // The server first asks its resolver about the unknown account (about 2 s on 2.9.10).
  it("refuses another operator's creds: authorization violation, naming the user", async () => {
    const e = await failure(start({ credsFile: authPaths(strangerDir).creds('APP', 'api') }));
    expect(e).toBeInstanceOf(AuthenticationError);
    expect(e).toMatchObject({ code: 'AUTHENTICATION', user: 'api', reason: 'authorization-violation' });
    expect(e.message).toBe(
      `NATS at ${nats.url}: user "api" was refused by the server (Authorization Violation): unknown or ` +
        'revoked user, creds of another operator, or a source address the user may not connect from',
    );
  });

  it('refuses a connection without creds', async () => {
    const e = await failure(start({}));
    expect(e).toBeInstanceOf(AuthenticationError);
    expect(e).toMatchObject({ user: undefined, reason: 'authorization-violation' });
    expect(e.message).toContain('a connection without creds was refused by the server');
  });

  it('refuses an expired user, saying when it expired', async () => {
    const e = await failure(start({ credsFile: nats.credsFile('expired') }));
    expect(e).toBeInstanceOf(AuthenticationError);
    expect(e).toMatchObject({
      user: 'expired',
      reason: 'expired',
      expiredAt: new Date('2001-01-01T00:00:00Z'),
    });
    expect(e.message).toBe(
      `NATS at ${nats.url}: user "expired" has expired (at 2001-01-01T00:00:00.000Z); issue new creds`,
    );
  });

  it('refuses a revoked user at startup (the server says only "Authorization Violation")', async () => {
    const revokedCreds = await nats.revoke('victim');
    const e = await failure(start({ credsFile: revokedCreds }));
    expect(e).toBeInstanceOf(AuthenticationError);
    expect(e).toMatchObject({ user: 'victim', reason: 'authorization-violation' });
    // The rotated creds the policy issued work.
    const app = await start({ credsFile: nats.credsFile('victim') });
    expect(app.get(JetbusConnection).user).toBe('victim');
  });

  it('logs a revocation of a live connection as AuthenticationError "revoked", then stops for good', async () => {
    const { logger, records } = captureLogs();
    const app = await start({
      credsFile: nats.credsFile('live'),
      logger,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 100,
    });
    const connection = app.get(JetbusConnection);

    await nats.revoke('live');

    await waitFor('the connection closed', () => connection.nc.isClosed());
    expect(connection.authFailure).toBeInstanceOf(AuthenticationError);
    expect(connection.authFailure).toMatchObject({ user: 'live', reason: 'revoked' });
    const revoked = records.find((r) => r.reason === 'revoked');
    expect(revoked).toMatchObject({
      level: 50,
      user: 'live',
      msg: `NATS at ${nats.url}: user "live" was revoked by its account; the server closed its connection`,
    });
    await waitFor('the close logged', () => records.some((r) => r.code === 'AUTHENTICATION'));
    expect(records.find((r) => r.code === 'AUTHENTICATION')).toMatchObject({
      level: 50,
      user: 'live',
      msg: `NATS connection closed for good: ${connection.authFailure!.message}`,
    });
    // Nothing is sent on a connection that will not come back, and publish says so at once.
    const e = await failure(app.get(JetbusClient).publish('auth.after', {}, { timeout: 60_000 }));
    expect(e).toBeInstanceOf(NotConnectedError);
  });
});
