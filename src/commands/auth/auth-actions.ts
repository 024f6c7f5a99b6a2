import { access, mkdir, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import {
  AccountChangeKinds,
  addUserToPolicyFile,
  applyPolicy,
  type ApplyResult,
  authPaths,
  KeyStore,
  loadPolicy,
  removeUserFromPolicyFile,
  revokeUser,
  STARTER_POLICY,
} from '@jetbus/auth';
import {
  type AuthAddUserOptions,
  type AuthCommonOptions,
  type AuthInitOptions,
  type AuthRevokeOptions,
  type AuthServerOptions,
} from './auth-command.options';
import { type CommandIo, print } from '../cli-io';
import { applySummary, formatChanges } from './format-apply-result';
import { withSystemConnection } from './system-connection';

const exists = (file: string): Promise<boolean> =>
  access(file).then(
    () => true,
    () => false,
  );

/** Loads the policy, saying what to do when the file is missing instead of a bare ENOENT. */
async function readPolicy(file: string): Promise<Awaited<ReturnType<typeof loadPolicy>>> {
  if (!(await exists(file))) {
    throw new Error(`no policy file ${file}: run \`jetbus auth init\` or pass --policy <file>`);
  }
  return loadPolicy(file);
}

function target(result: ApplyResult, server: string | undefined): string {
  return result.comparedWith === 'server' ? `the server ${server}` : 'the previous compile';
}

async function revocationsOf(dir: string): Promise<Awaited<ReturnType<KeyStore['revocations']>>> {
  return (await KeyStore.open(authPaths(dir).keys, { readOnly: true })).revocations();
}

/** `jetbus auth init`: writes the starter policy and compiles it. */
export async function initAction(options: AuthInitOptions, io: CommandIo): Promise<void> {
  const policyFile = resolve(options.policy);
  if ((await exists(policyFile)) && !options.force) {
    throw new Error(
      `${policyFile} exists; edit it and run \`jetbus auth apply\`, or pass --force to overwrite it`,
    );
  }
  await mkdir(dirname(policyFile), { recursive: true });
  await writeFile(policyFile, STARTER_POLICY);
  const result = await applyPolicy({
    policy: await loadPolicy(policyFile),
    dir: options.dir,
    ...(options.resolverDir ? { resolverDir: options.resolverDir } : {}),
  });
  const paths = result.paths;
  const include = relative(process.cwd(), paths.serverConfig);
  print(io, options.json, applySummary(result, { policy: policyFile, keys: paths.keys, include }), () => [
    `wrote the starter policy ${policyFile}`,
    `keys (keep private, back up): ${paths.keys}`,
    'creds:',
    ...Object.entries(result.written?.creds ?? {}).map(([who, file]) => `  ${who}  ${file}`),
    `server config: ${paths.serverConfig}`,
    '',
    'Next: in a nats-server.conf in this directory, enable JetStream and add',
    `  include "${include}"`,
    '(nats-server 2.9 resolves include paths against the including file, absolute ones too),',
    'then start the server, edit the policy and run `jetbus auth apply --server <url>`.',
  ]);
}

async function applyOrDiff(options: AuthServerOptions, io: CommandIo, dryRun: boolean): Promise<void> {
  const policyFile = resolve(options.policy);
  const policy = await readPolicy(policyFile);
  const result = await withSystemConnection(options, (connection) =>
    applyPolicy({
      policy,
      dir: options.dir,
      dryRun,
      timeout: options.timeout,
      ...(connection ? { connection } : {}),
      ...(options.resolverDir ? { resolverDir: options.resolverDir } : {}),
    }),
  );
  const changed = result.changes.filter((c) => c.kind !== AccountChangeKinds.Unchanged).length;
  const revocations = await revocationsOf(options.dir);
  print(io, options.json, applySummary(result, { policy: policyFile, dryRun }), () => [
    `${dryRun ? 'would change' : 'changed'} ${changed} of ${result.changes.length} accounts (compared with ${target(result, options.server)}):`,
    ...formatChanges(result, revocations),
    ...(dryRun
      ? []
      : [
          `wrote ${result.paths.root}`,
          options.server
            ? `pushed ${result.pushed.length} accounts to ${options.server}`
            : 'no --server given: nothing pushed',
        ]),
  ]);
}

/** `jetbus auth apply`: compile, write, push changed accounts. */
export function applyAction(options: AuthServerOptions, io: CommandIo): Promise<void> {
  return applyOrDiff(options, io, false);
}

/** `jetbus auth diff`: what apply would change; writes nothing. */
export function diffAction(options: AuthServerOptions, io: CommandIo): Promise<void> {
  return applyOrDiff(options, io, true);
}

/** `jetbus auth add-user`: adds the user to the policy, compiles, pushes; prints the creds path. */
export async function addUserAction(
  account: string,
  user: string,
  options: AuthAddUserOptions,
  io: CommandIo,
): Promise<void> {
  const policyFile = resolve(options.policy);
  const policy = await addUserToPolicyFile(policyFile, account, user, {
    roles: options.role,
    ...(options.inboxPrefix ? { inboxPrefix: options.inboxPrefix } : {}),
    ...(options.expires ? { expires: options.expires } : {}),
    ...(options.allowCidr.length ? { allowedCidrs: options.allowCidr } : {}),
  });
  const result = await withSystemConnection(options, (connection) =>
    applyPolicy({
      policy,
      dir: options.dir,
      timeout: options.timeout,
      ...(connection ? { connection } : {}),
    }),
  );
  const creds = authPaths(options.dir).creds(account, user);
  print(
    io,
    options.json,
    applySummary(result, { policy: policyFile, account, user, credsFile: creds }),
    () => [
      `added ${account}/${user} to ${policyFile}`,
      `creds: ${creds}`,
      ...(options.server ? [`pushed ${result.pushed.length} accounts to ${options.server}`] : []),
    ],
  );
}

/** `jetbus auth revoke`: revokes the user's key and pushes the account; removes the user unless --rotate. */
export async function revokeAction(
  account: string,
  user: string,
  options: AuthRevokeOptions,
  io: CommandIo,
): Promise<void> {
  const policyFile = resolve(options.policy);
  const policy = options.rotate
    ? await readPolicy(policyFile)
    : await removeUserFromPolicyFile(policyFile, account, user);
  const result = await withSystemConnection(options, (connection) =>
    revokeUser({
      policy,
      dir: options.dir,
      account,
      user,
      timeout: options.timeout,
      ...(connection ? { connection } : {}),
    }),
  );
  const r = result.revocation;
  const creds = authPaths(options.dir).creds(account, user);
  print(
    io,
    options.json,
    applySummary(result, { policy: policyFile, revocation: r, rotated: options.rotate }),
    () => [
      `revoked ${account}/${user} (key ${r.publicKey}) at ${r.revokedAt}`,
      options.rotate ? `new creds: ${creds}` : `removed ${account}/${user} from ${policyFile}`,
      options.server
        ? `pushed ${result.pushed.length} accounts to ${options.server}: live connections of the user are closed`
        : 'no --server given: run `jetbus auth apply --server <url>` to push the revocation',
    ],
  );
}

/** `jetbus auth creds`: prints where the user's creds file is; never its content. */
export async function credsAction(
  account: string,
  user: string,
  options: AuthCommonOptions,
  io: CommandIo,
): Promise<void> {
  const file = authPaths(options.dir).creds(account, user);
  if (!(await exists(file))) {
    throw new Error(
      `no creds for ${account}/${user} in ${authPaths(options.dir).credsDir}: is the user in the policy? run \`jetbus auth apply\``,
    );
  }
  print(io, options.json, { account, user, creds: file }, () => [file]);
}
