/**
 * The version of @jetbus/core, as its package.json says (a spec holds the two together). A constant
 * rather than a read of package.json at run time: bundlers and ESM loaders do not all ship the file.
 */
export const JETBUS_CORE_VERSION = '0.1.0';
