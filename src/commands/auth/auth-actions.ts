import { access } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import {
  AccountChangeKinds,
  applyPolicy,
  type ApplyResult,
  authPaths,
  checkServerConfigValue,
  InvalidOptionError,
  KeyStore,
  loadPolicy,
  parseExpiry,
  parsePolicy,
  type PolicyEdit,
  policyWithoutUser,
  policyWithUser,
  revokeUser,
  STARTER_POLICY,
  SYSTEM_ACCOUNT_NAME,
  SYSTEM_USER_NAME,
} from '@jetbus/auth';
import {
  type AuthAddUserOptions,
  type AuthCommonOptions,
  type AuthInitOptions,
  type AuthRevokeOptions,
  type AuthServerOptions,
} from './auth-command.options';
import { type CommandIo, print } from '../cli-io';
import { UsageError } from '../usage.error';
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

/** Runs an option check of the library; a malformed value is bad usage (exit code 2), not a failure. */
function usage<T>(check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (e instanceof InvalidOptionError) throw new UsageError(e.message, { cause: e });
    throw e;
  }
}

/** Refuses a `--resolver-dir` the server config could not hold, before anything else runs. */
function checkResolverDir(resolverDir: string | undefined): void {
  if (resolverDir !== undefined) usage(() => checkServerConfigValue(resolverDir, '--resolver-dir'));
}

function target(result: ApplyResult, server: string | undefined): string {
  return result.comparedWith === 'server' ? `the server ${server}` : 'the previous compile';
}

async function revocationsOf(dir: string): Promise<Awaited<ReturnType<KeyStore['revocations']>>> {
  return (await KeyStore.open(authPaths(dir).keys, { readOnly: true })).revocations();
}

const warningLines = (result: ApplyResult): string[] => result.warnings.map((w) => `warning: ${w}`);

/** `jetbus auth init`: writes the starter policy and compiles it; writes nothing if either fails. */
export async function initAction(options: AuthInitOptions, io: CommandIo): Promise<void> {
  checkResolverDir(options.resolverDir);
  const policyFile = resolve(options.policy);
  if ((await exists(policyFile)) && !options.force) {
    throw new Error(
      `${policyFile} exists; edit it and run \`jetbus auth apply\`, or pass --force to overwrite it`,
    );
  }
  const edit: PolicyEdit = {
    file: policyFile,
    text: STARTER_POLICY,
    policy: parsePolicy(STARTER_POLICY, { source: policyFile }),
  };
  const result = await applyPolicy({
    policy: edit.policy,
    dir: options.dir,
    policyEdit: edit,
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
    ...warningLines(result),
    '',
    'Next: in a nats-server.conf in this directory, enable JetStream and add',
    `  include "${include}"`,
    '(nats-server 2.9 resolves include paths against the including file, absolute ones too),',
    'then start the server, edit the policy and run `jetbus auth apply --server <url>`.',
  ]);
}

async function applyOrDiff(options: AuthServerOptions, io: CommandIo, dryRun: boolean): Promise<void> {
  checkResolverDir(options.resolverDir);
  const policyFile = resolve(options.policy);
  const policy = await readPolicy(policyFile);
  const result = await withSystemConnection(options, ({ connection, reconnect, signal }) =>
    applyPolicy({
      policy,
      dir: options.dir,
      dryRun,
      timeout: options.timeout,
      signal,
      ...(connection ? { connection } : {}),
      ...(reconnect ? { reconnect } : {}),
      ...(options.resolverDir ? { resolverDir: options.resolverDir } : {}),
    }),
  );
  const changed = result.changes.filter((c) => c.kind !== AccountChangeKinds.Unchanged).length;
  const revocations = await revocationsOf(options.dir);
  print(io, options.json, applySummary(result, { policy: policyFile, dryRun }), () => [
    `${dryRun ? 'would change' : 'changed'} ${changed} of ${result.changes.length} accounts (compared with ${target(result, options.server)}):`,
    ...formatChanges(result, revocations),
    ...warningLines(result),
    ...(dryRun
      ? []
      : [
          `wrote ${result.paths.root}`,
          options.server
            ? `pushed ${accounts(result.pushed.length)} to ${options.server}`
            : 'no --server given: nothing pushed',
        ]),
  ]);
}

/** `1 account`, `2 accounts`. */
const accounts = (n: number): string => `${n} account${n === 1 ? '' : 's'}`;

/** `jetbus auth apply`: compile, push changed accounts, then write. */
export function applyAction(options: AuthServerOptions, io: CommandIo): Promise<void> {
  return applyOrDiff(options, io, false);
}

/** `jetbus auth diff`: what apply would change; writes nothing. */
export function diffAction(options: AuthServerOptions, io: CommandIo): Promise<void> {
  return applyOrDiff(options, io, true);
}

/**
 * `jetbus auth add-user`: adds the user to the policy, compiles, pushes; prints the creds path. The
 * policy file, keys and creds are written only once all of that worked.
 */
export async function addUserAction(
  account: string,
  user: string,
  options: AuthAddUserOptions,
  io: CommandIo,
): Promise<void> {
  checkResolverDir(options.resolverDir);
  const expires =
    options.expires === undefined
      ? undefined
      : usage(() => parseExpiry(options.expires as string, new Date(), '--expires'));
  const policyFile = resolve(options.policy);
  if (!(await exists(policyFile))) await readPolicy(policyFile);
  const edit = await policyWithUser(policyFile, account, user, {
    roles: options.role,
    ...(options.userInboxPrefix ? { inboxPrefix: options.userInboxPrefix } : {}),
    ...(expires ? { expires } : {}),
    ...(options.allowCidr.length ? { allowedCidrs: options.allowCidr } : {}),
  });
  const result = await withSystemConnection(options, ({ connection, reconnect, signal }) =>
    applyPolicy({
      policy: edit.policy,
      dir: options.dir,
      policyEdit: edit,
      timeout: options.timeout,
      signal,
      ...(connection ? { connection } : {}),
      ...(reconnect ? { reconnect } : {}),
      ...(options.resolverDir ? { resolverDir: options.resolverDir } : {}),
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
      ...(expires ? [`expires: ${expires.toISOString()}`] : []),
      ...warningLines(result),
      ...(options.server ? [`pushed ${accounts(result.pushed.length)} to ${options.server}`] : []),
    ],
  );
}

/**
 * `jetbus auth revoke`: revokes the user's key and pushes the account; removes the user from the
 * policy unless --rotate. Nothing is written unless the push (with a server) succeeded.
 */
export async function revokeAction(
  account: string,
  user: string,
  options: AuthRevokeOptions,
  io: CommandIo,
): Promise<void> {
  checkResolverDir(options.resolverDir);
  if (account === SYSTEM_ACCOUNT_NAME && user === SYSTEM_USER_NAME && !options.rotate) {
    throw new UsageError(
      `${SYSTEM_ACCOUNT_NAME}/${SYSTEM_USER_NAME} pushes every change and cannot be removed: pass --rotate to replace its key`,
    );
  }
  const policyFile = resolve(options.policy);
  const edit = options.rotate
    ? undefined
    : await (async () => {
        await readPolicy(policyFile);
        return policyWithoutUser(policyFile, account, user);
      })();
  const policy = edit?.policy ?? (await readPolicy(policyFile));
  const result = await withSystemConnection(options, ({ connection, reconnect, signal }) =>
    revokeUser({
      policy,
      dir: options.dir,
      account,
      user,
      timeout: options.timeout,
      signal,
      ...(edit ? { policyEdit: edit } : {}),
      ...(connection ? { connection } : {}),
      ...(reconnect ? { reconnect } : {}),
      ...(options.resolverDir ? { resolverDir: options.resolverDir } : {}),
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
      ...warningLines(result),
      options.server
        ? `pushed ${accounts(result.pushed.length)} to ${options.server}: live connections of the user are closed`
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
