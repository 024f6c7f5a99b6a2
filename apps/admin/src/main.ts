#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { startAdmin } from './start-admin';
import { type AdminOptions } from './options/admin.options';
import { parseAdminConfig } from './options/parse-admin-config';

/**
 * `node dist/main.js [config.yaml]`: the admin app as a process. Options come from the file named
 * by the argument or `$JETBUS_ADMIN_CONFIG` (YAML or JSON, the shape of `AdminOptions`); NATS
 * settings fall back to `$NATS_URL`, `$NATS_CREDS`, `$NATS_INBOX_PREFIX`.
 */
async function main(): Promise<void> {
  const file = process.argv[2] ?? process.env.JETBUS_ADMIN_CONFIG;
  const options: AdminOptions = file ? parseAdminConfig(readFileSync(file, 'utf8'), file) : {};
  const admin = await startAdmin(options);
  process.stdout.write(`jetbus admin listening on ${admin.url}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`jetbus admin: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
