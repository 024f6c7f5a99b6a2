import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type INestApplicationContext, Injectable } from '@nestjs/common';
import {
  ConnectionError,
  JetbusClient,
  JetbusConfigError,
  JetbusConnection,
  type JetbusModuleOptions,
  JobHandler,
  Payload,
} from '@jetbus/core';
import { NatsServer, createTestPki, type TestPki } from '@jetbus/testing';
import { startJetbusApp } from '../support/jetbus-app';
import { waitFor } from '../support/wait-for';
import { OperatorServer } from './support/operator-server';
import { failure } from '../support/failure';

/*
 * TLS for JetbusModule connections: server authentication with the CA (`tls.caFile`), and mutual
 * TLS (`verify: true`) combined with operator-mode creds, where a client without a certificate is
 * refused with a ConnectionError that says what is missing.
 */

const tlsBlock = (pki: TestPki, verify: boolean) =>
  `tls {\n  cert_file: ${JSON.stringify(pki.serverCert)}\n  key_file: ${JSON.stringify(pki.serverKey)}\n` +
  `  ca_file: ${JSON.stringify(pki.caFile)}\n  verify: ${verify}\n}`;

const POLICY = `
operator: { name: jetbus-e2e-tls }
roles:
  jobs: { admin: { publish: [tls.>] } }
accounts:
  APP:
    users:
      worker: { roles: [jobs], inboxPrefix: _INBOX_worker }
`;

const received: string[] = [];

@Injectable()
class TlsJobs {
  @JobHandler('tls.job', { stream: 'TLS_JOBS' })
  run(@Payload() job: { id: string }): void {
    received.push(job.id);
  }
}

describe('TLS connections', () => {
  let dir: string;
  let pki: TestPki;
  let tlsServer: NatsServer;
  let mtls: OperatorServer;
  const apps: INestApplicationContext[] = [];
  const start = async (options: JetbusModuleOptions, handlers: (typeof TlsJobs)[] = []) => {
    const app = await startJetbusApp({ logger: false, ...options }, handlers);
    apps.push(app);
    return app;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jetbus-tls-e2e-'));
    pki = await createTestPki(join(dir, 'pki'));
    [tlsServer, mtls] = await Promise.all([
      NatsServer.start({ config: tlsBlock(pki, false) }),
      OperatorServer.start(POLICY, { extraConfig: tlsBlock(pki, true) }),
    ]);
  });
  afterAll(async () => {
    for (const app of apps) await app.close().catch(() => undefined);
    await tlsServer?.stop();
    await mtls?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  describe('when the server has a certificate', () => {
    it('connects with the CA and publishes', async () => {
      const app = await start({
        servers: tlsServer.url,
        name: 'tls',
        tls: { caFile: pki.caFile },
        streams: [{ name: 'TLS_PLAIN', subjects: ['tls.plain'] }],
      });
      const ack = await app.get(JetbusClient).publish('tls.plain', { ok: true });
      expect(ack).toMatchObject({ stream: 'TLS_PLAIN', seq: 1 });
      expect(app.get(JetbusConnection).nc.info?.tls_required).toBe(true);
    });

    it('refuses a server certificate it cannot verify, saying to set tls.caFile', async () => {
      const e = await failure(start({ servers: tlsServer.url, name: 'tls', deadLetter: false }));
      expect(e).toBeInstanceOf(ConnectionError);
      expect(e.message).toBe(
        `cannot connect to NATS at ${tlsServer.url}: the server's TLS certificate is not trusted ` +
          '(unable to verify the first certificate); set tls.caFile to the CA that signed it',
      );
    });
  });

  describe('when the server requires client certificates (mTLS) and creds', () => {
    it('accepts a client certificate with the creds, and runs a job', async () => {
      const app = await start(
        {
          ...mtls.as('worker'),
          name: 'mtls',
          tls: { caFile: pki.caFile, certFile: pki.clientCert, keyFile: pki.clientKey },
          streams: [{ name: 'TLS_JOBS', subjects: ['tls.job'], retention: 'workqueue' }],
        },
        [TlsJobs],
      );
      expect(app.get(JetbusConnection).nc.info?.tls_verify).toBe(true);
      await app.get(JetbusClient).publish('tls.job', { id: 'over-mtls' });
      await waitFor('the job over mTLS', () => received.length === 1);
      expect(received).toEqual(['over-mtls']);
    });

    it('refuses a client without a certificate with a ConnectionError naming what is missing', async () => {
      const e = await failure(
        start({
          ...mtls.as('worker'),
          name: 'mtls',
          tls: { caFile: pki.caFile },
          deadLetter: false,
          // The server's alert comes after the handshake: nats.js sees a reset or, reconnecting, a timeout.
          connectTimeout: '1s',
        }),
      );
      expect(e).toBeInstanceOf(ConnectionError);
      expect(e.message).toBe(
        `cannot connect to NATS at ${mtls.url}: the server requires a client certificate (mutual TLS) ` +
          'and none was given: set tls.certFile and tls.keyFile',
      );
    });

    it('names the option when a certificate file cannot be read', async () => {
      const e = await failure(
        start({
          ...mtls.as('worker'),
          name: 'mtls',
          tls: { caFile: pki.caFile, certFile: join(dir, 'missing.pem'), keyFile: pki.clientKey },
        }),
      );
      expect(e).toBeInstanceOf(JetbusConfigError);
      expect(e).toMatchObject({ option: 'tls.certFile' });
    });
  });
});
