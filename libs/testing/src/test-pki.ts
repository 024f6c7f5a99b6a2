import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { OpensslNotFoundError, TestPkiError } from './errors';

/** Paths of the PEM files createTestPki() wrote. */
export interface TestPki {
  /** CA certificate: the servers' `ca_file` and the clients' `caFile`. */
  caFile: string;
  /** CA private key (0600), to sign more certificates by hand. */
  caKey: string;
  /** Server certificate for `localhost` and `127.0.0.1` (subjectAltName), extendedKeyUsage serverAuth. */
  serverCert: string;
  serverKey: string;
  /** Client certificate with CN `jetbus-test-client`, extendedKeyUsage clientAuth. */
  clientCert: string;
  clientKey: string;
}

export interface TestPkiOptions {
  /** The openssl binary. @default 'openssl' on PATH */
  openssl?: string;
  /** Validity of every certificate, in days. @default 30 */
  days?: number;
}

// Our own config so the result does not depend on the system's openssl.cnf (or its absence).
const OPENSSL_CONFIG = `[ req ]
distinguished_name = dn
[ dn ]
[ ca_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ server_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
authorityKeyIdentifier = keyid
[ client_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
authorityKeyIdentifier = keyid
`;

const KEY_ARGS = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/**
 * Writes a throw-away PKI into `dir` (created if missing) with the openssl command line: a CA, a server
 * certificate valid for 127.0.0.1 and localhost, and a client certificate for mTLS. Keys are mode 0600.
 * @throws OpensslNotFoundError when openssl is not installed
 * @throws TestPkiError when an openssl command fails
 */
export async function createTestPki(dir: string, options: TestPkiOptions = {}): Promise<TestPki> {
  const openssl = options.openssl ?? 'openssl';
  const days = options.days ?? 30;
  if (!Number.isInteger(days) || days < 1)
    throw new TypeError(`days must be a positive integer, got ${days}`);
  const root = resolve(dir);
  await mkdir(root, { recursive: true });
  const file = (name: string) => join(root, name);
  const pki: TestPki = {
    caFile: file('ca.pem'),
    caKey: file('ca-key.pem'),
    serverCert: file('server-cert.pem'),
    serverKey: file('server-key.pem'),
    clientCert: file('client-cert.pem'),
    clientKey: file('client-key.pem'),
  };
  const config = file('openssl.cnf');
  await run(openssl, ['version']);
  await writeFile(config, OPENSSL_CONFIG);
  // Created 0600 before openssl writes into them, so a key is never readable by others, even briefly.
  await Promise.all(keys(pki).map((key) => writeFile(key, '', { mode: 0o600 })));
  await run(openssl, [
    'req',
    '-x509',
    '-config',
    config,
    '-extensions',
    'ca_ext',
    ...KEY_ARGS,
    '-sha256',
    '-days',
    String(days),
    '-subj',
    '/CN=jetbus-test-ca',
    '-keyout',
    pki.caKey,
    '-out',
    pki.caFile,
  ]);
  await issue(openssl, config, pki, 'server_ext', '/CN=localhost', pki.serverCert, pki.serverKey, days);
  await issue(
    openssl,
    config,
    pki,
    'client_ext',
    '/CN=jetbus-test-client',
    pki.clientCert,
    pki.clientKey,
    days,
  );
  // A key file that already existed keeps its old mode through writeFile, hence the chmod.
  await Promise.all(keys(pki).map((key) => chmod(key, 0o600)));
  await rm(config, { force: true });
  return pki;
}

function keys(pki: TestPki): string[] {
  return [pki.caKey, pki.serverKey, pki.clientKey];
}

async function issue(
  openssl: string,
  config: string,
  pki: TestPki,
  extensions: string,
  subject: string,
  cert: string,
  key: string,
  days: number,
): Promise<void> {
  const csr = `${cert}.csr`;
  await run(openssl, [
    'req',
    '-new',
    '-config',
    config,
    ...KEY_ARGS,
    '-subj',
    subject,
    '-keyout',
    key,
    '-out',
    csr,
  ]);
  await run(openssl, [
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    pki.caFile,
    '-CAkey',
    pki.caKey,
    '-set_serial',
    `0x${randomBytes(8).toString('hex')}`,
    '-sha256',
    '-days',
    String(days),
    '-extfile',
    config,
    '-extensions',
    extensions,
    '-out',
    cert,
  ]);
  await rm(csr, { force: true });
}

function run(openssl: string, args: string[]): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(openssl, args, { encoding: 'utf8', timeout: 30_000 }, (error, stdout, stderr) => {
      if (!error) return resolvePromise(stdout);
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EACCES') reject(new OpensslNotFoundError(openssl, { cause: error }));
      else reject(new TestPkiError(`${openssl} ${args[0]}`, stderr || error.message, { cause: error }));
    });
  });
}
