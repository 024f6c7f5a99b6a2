import pino, { type Logger } from 'pino';
import { type ResolvedAdminOptions } from './options/resolve-admin-options';

export const ADMIN_LOGGER = Symbol('JETBUS_ADMIN_LOGGER');

/**
 * The app's pino logger: the configured one, a silent one for `false`, or a new one at
 * `$JETBUS_LOG_LEVEL`. Cookies, authorization headers and passwords are redacted wherever they occur.
 */
export function createAdminLogger(options: ResolvedAdminOptions): Logger {
  if (options.logger === false) return pino({ level: 'silent' });
  if (options.logger) return options.logger;
  return pino({
    name: 'jetbus-admin',
    level: process.env.JETBUS_LOG_LEVEL ?? 'info',
    redact: {
      paths: [
        '*.password',
        '*.passwordHash',
        '*.token',
        '*.cookie',
        '*.authorization',
        '*.clientSecret',
        '*.sessionSecret',
      ],
      censor: '[redacted]',
    },
  });
}
