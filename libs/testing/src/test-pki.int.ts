import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { OpensslNotFoundError } from './errors';
import { NatsServer } from './nats-server';
import { createTestPki, type TestPki } from './test-pki';

jest.setTimeout(20_000);

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('createTestPki()', () => {
  let dir: string;
  let pki: TestPki;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jetbus-pki-spec-'));
    pki = await createTestPki(join(dir, 'pki'));
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes a CA, a server certificate for 127.0.0.1 and localhost, and a client certificate', () => {
    const ca = new X509Certificate(readFileSync(pki.caFile));
    const server = new X509Certificate(readFileSync(pki.serverCert));
    const client = new X509Certificate(readFileSync(pki.clientCert));
    expect(ca.ca).toBe(true);
    expect(server.checkIssued(ca)).toBe(true);
    expect(client.checkIssued(ca)).toBe(true);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1');
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(client.subject).toBe('CN=jetbus-test-client');
    expect(client.ca).toBe(false);
  });

  it('writes the private keys with mode 0600', () => {
    for (const key of [pki.caKey, pki.serverKey, pki.clientKey]) {
      expect(statSync(key).mode & 0o777).toBe(0o600);
    }
  });

  it('throws OpensslNotFoundError when openssl is missing', async () => {
    await expect(createTestPki(join(dir, 'none'), { openssl: '/nonexistent/openssl' })).rejects.toThrow(
      OpensslNotFoundError,
    );
  });

  describe('with an mTLS server (verify: true)', () => {
    let server: NatsServer;

    beforeAll(async () => {
      server = await NatsServer.start({
        jetstream: false,
        config: `tls {
  cert_file: ${JSON.stringify(pki.serverCert)}
  key_file: ${JSON.stringify(pki.serverKey)}
  ca_file: ${JSON.stringify(pki.caFile)}
  verify: true
}`,
      });
    });

    afterAll(async () => {
      await server?.stop();
    });

    it('accepts a client presenting the client certificate', async () => {
      const nc = await connect({
        servers: server.url,
        tls: { caFile: pki.caFile, certFile: pki.clientCert, keyFile: pki.clientKey },
      });
      expect(nc.info?.tls_required).toBe(true);
      expect(nc.info?.tls_verify).toBe(true);
      await nc.flush();
      await nc.close();
    });

    it('refuses a client without a certificate', async () => {
      await expect(
        connect({ servers: server.url, tls: { caFile: pki.caFile }, reconnect: false, timeout: 3_000 }),
      ).rejects.toThrow();
      // What the client sees varies (a TLS alert or ECONNRESET); the server's reason does not. It is
      // logged after the alert is sent, so it may show up a moment later.
      await waitFor(() =>
        server.logs().includes("TLS handshake error: tls: client didn't provide a certificate"),
      );
    });
  });
});
