import { join, resolve } from 'node:path';

/** Where `jetbus auth` keeps its state unless told otherwise. */
export const DEFAULT_AUTH_DIR = '.jetbus/auth';
/** Name of the generated nats-server config fragment. */
export const SERVER_CONFIG_FILE = 'server-auth.conf';

/** The layout of an auth directory. */
export interface AuthPaths {
  root: string;
  /** The KeyStore directory (seeds, 0700). */
  keys: string;
  jwt: string;
  operatorJwt: string;
  accountJwt(account: string): string;
  userJwt(account: string, user: string): string;
  credsDir: string;
  creds(account: string, user: string): string;
  serverConfig: string;
  /** Default directory of the server's full resolver. */
  resolver: string;
}

export function authPaths(dir: string = DEFAULT_AUTH_DIR): AuthPaths {
  const root = resolve(dir);
  return {
    root,
    keys: join(root, 'keys'),
    jwt: join(root, 'jwt'),
    operatorJwt: join(root, 'jwt', 'operator.jwt'),
    accountJwt: (account) => join(root, 'jwt', 'accounts', `${account}.jwt`),
    userJwt: (account, user) => join(root, 'jwt', 'users', account, `${user}.jwt`),
    credsDir: join(root, 'creds'),
    creds: (account, user) => join(root, 'creds', account, `${user}.creds`),
    serverConfig: join(root, SERVER_CONFIG_FILE),
    resolver: join(root, 'resolver'),
  };
}
