type AdminPackage = typeof import('@jetbus/admin');

/**
 * @jetbus/admin, loaded only by the `jetbus admin` commands: it brings Nest's HTTP stack, Swagger and
 * OIDC, which no other command needs (`jetbus dlq ls` must not pay for them), and it is an optional
 * peer of the CLI. A trimmed install without it gets one line saying what to install.
 */
export async function loadAdmin(
  load: () => Promise<AdminPackage> = () => import('@jetbus/admin'),
): Promise<AdminPackage> {
  try {
    return await load();
  } catch (e) {
    const { code, message } = e as NodeJS.ErrnoException;
    // `import()` says ERR_MODULE_NOT_FOUND ("Cannot find package '@jetbus/admin' imported from …"),
    // `require` MODULE_NOT_FOUND. Only the package itself missing: a broken install of one of its
    // dependencies (whose message names @jetbus/admin's path, unquoted) says so as it is.
    const missing = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
    if (!missing || !String(message).includes("'@jetbus/admin'")) throw e;
    throw new Error(
      'the admin app is not installed: npm install @jetbus/admin (same version as @jetbus/cli)',
      { cause: e },
    );
  }
}
