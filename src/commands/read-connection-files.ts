import { X509Certificate, createPrivateKey } from 'node:crypto';
import { type TlsOptions } from '@nats-io/transport-node';
import { fromSeed } from '@nats-io/nkeys';
import { readCredsIdentity } from '@jetbus/core/wire';
import { readOptionFile } from './read-option-file';
import { UsageError } from './usage.error';

// The blocks of a `.creds` file, as nats.js' credsAuthenticator reads them.
const CREDS_BLOCK = /-{3,}[^\n]*-{3,}\r?\n([\s\S]+?)\r?\n\s*-{3,}[^\n]*-{3,}/g;

/**
 * A `.creds` file, checked now: nats.js parses it only during the handshake and then reports
 * "unable to parse credentials" without the path, after the server already answered.
 */
export async function readCredsFile(path: string): Promise<Uint8Array> {
  const data = await readOptionFile(path, 'creds file');
  const blocks = [...data.toString('utf8').matchAll(CREDS_BLOCK)].map((m) => m[1].trim());
  const [jwt, seed] = blocks;
  if (!jwt || !seed || jwt.split('.').length !== 3)
    throw new Error(`cannot use creds file ${path}: not a NATS .creds file (a user JWT and a seed block)`);
  try {
    fromSeed(new TextEncoder().encode(seed));
  } catch {
    throw new Error(`cannot use creds file ${path}: its seed is not a valid NATS nkey seed`);
  }
  return new Uint8Array(data);
}

/** Which of the TLS options were given, for `readTlsFiles`. */
export interface TlsFileOptions {
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
}

/**
 * The PEM files of `--tls-ca/--tls-cert/--tls-key`, read and parsed now so that a wrong file is one
 * line naming it, not an OpenSSL error from the middle of the handshake. Empty when none is given.
 */
export async function readTlsFiles(options: TlsFileOptions): Promise<TlsOptions> {
  if (Boolean(options.tlsCert) !== Boolean(options.tlsKey))
    throw new UsageError('--tls-cert and --tls-key go together: give both or neither');
  const tls: TlsOptions = {};
  if (options.tlsCa) tls.ca = await readPem(options.tlsCa, 'TLS CA file', 'certificate');
  if (options.tlsCert) tls.cert = await readPem(options.tlsCert, 'TLS certificate file', 'certificate');
  if (options.tlsKey) tls.key = await readPem(options.tlsKey, 'TLS key file', 'key');
  return tls;
}

async function readPem(path: string, what: string, kind: 'certificate' | 'key'): Promise<string> {
  const pem = (await readOptionFile(path, what)).toString('utf8');
  try {
    if (kind === 'certificate') new X509Certificate(pem);
    else createPrivateKey(pem);
  } catch {
    throw new Error(
      `cannot use ${what} ${path}: not a PEM ${kind === 'key' ? 'private key' : 'certificate'}`,
    );
  }
  return pem;
}

/** The user a `.creds` file authenticates as (its JWT's name), to name it in errors; undefined without. */
export async function credsUser(path: string | undefined): Promise<string | undefined> {
  if (!path) return undefined;
  return readCredsIdentity(Buffer.from(await readCredsFile(path)).toString('utf8')).user;
}
