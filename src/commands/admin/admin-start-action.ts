import { randomBytes } from 'node:crypto';
import { type CommandIo } from '../cli-io';
import { readOptionFile } from '../read-option-file';
import { UsageError } from '../usage.error';
import { type AdminStartCommandOptions } from './admin-start.options';
import { loadAdmin } from './load-admin';

type AdminPackage = typeof import('@jetbus/admin');
type AdminOptions = import('@jetbus/admin').AdminOptions;
type ConfigParser = Pick<AdminPackage, 'parseAdminConfig'>;

/** Where the one-time login of `--dev` signs in: a user name no config would pick by accident. */
export const DEV_USER = 'dev';

/** The config file's options, parsed the way the app parses its own (YAML or JSON). */
async function readConfig(file: string, admin: ConfigParser): Promise<AdminOptions> {
  const text = (await readOptionFile(file, 'config file')).toString('utf8');
  return admin.parseAdminConfig(text, file);
}

/** Where each connection option came from: only a flag given on the command line beats the config file. */
export type OptionSource = (name: string) => string | undefined;

/** The config file's options with the command line's on top. */
export async function adminOptionsOf(
  options: AdminStartCommandOptions,
  source: OptionSource,
  admin: ConfigParser,
): Promise<AdminOptions> {
  if (options.tlsCert || options.tlsKey) {
    throw new UsageError(
      'the admin app does not take a client certificate (--tls-cert/--tls-key); use --creds',
    );
  }
  const config = options.config ? await readConfig(options.config, admin) : {};
  const nats = { ...config.nats };
  // The server's default (`$NATS_URL`, else localhost) yields to the file; a typed --server does not.
  if (source('server') === 'cli' || !nats.servers) nats.servers = options.server.split(',');
  if (options.creds && (source('creds') === 'cli' || !nats.credsFile)) nats.credsFile = options.creds;
  if (options.tlsCa && (source('tlsCa') === 'cli' || !nats.tlsCaFile)) nats.tlsCaFile = options.tlsCa;
  if (options.inboxPrefix && (source('inboxPrefix') === 'cli' || !nats.inboxPrefix)) {
    nats.inboxPrefix = options.inboxPrefix;
  }
  return {
    ...config,
    nats,
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
  };
}

/**
 * `jetbus admin [start]`: starts the app, prints its URL, and runs until SIGINT or SIGTERM. With
 * no users, tokens or OIDC configured it refuses to start, unless `--dev` asks for a one-time login
 * (role admin, random password printed once, gone when the process ends).
 */
export async function adminStartAction(
  options: AdminStartCommandOptions,
  source: OptionSource,
  io: CommandIo,
): Promise<void> {
  const admin = await loadAdmin();
  const adminOptions = await adminOptionsOf(options, source, admin);
  const configured = Boolean(adminOptions.users?.length || adminOptions.tokens?.length || adminOptions.oidc);
  if (!configured && !options.dev) {
    throw new UsageError(
      'no way to sign in: configure users, tokens or oidc (--config <file>), ' +
        'or pass --dev for a one-time admin login on this machine',
    );
  }
  if (configured && options.dev) {
    throw new UsageError('--dev is only for an app with no users, tokens or oidc configured');
  }
  let devPassword: string | undefined;
  if (!configured) {
    devPassword = randomBytes(18).toString('base64url');
    adminOptions.users = [
      { name: DEV_USER, role: 'admin', passwordHash: await admin.hashPassword(devPassword) },
    ];
  }

  const server = await admin.startAdmin(adminOptions);
  const host = adminOptions.host ?? admin.ADMIN_DEFAULT_HOST;
  io.stdout(`jetbus admin listening on ${server.url}\n`);
  if (devPassword) {
    io.stdout(`dev login (this run only): user ${DEV_USER}, password ${devPassword}\n`);
    if (!admin.isLoopbackBind(host)) {
      io.stderr(
        `warning: the dev login is reachable from other machines on ${host}; bind 127.0.0.1 unless you mean it\n`,
      );
    }
  }

  // Nest closes the app on these signals too (and signals itself again when done): this listener
  // stays, so that second signal ends the wait here rather than the process.
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
}
