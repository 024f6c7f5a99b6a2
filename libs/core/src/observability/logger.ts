import pino, { type Logger } from 'pino';

/**
 * Paths pino censors wherever they appear in a logged object: credentials must never reach a log
 * even when someone logs a whole options object.
 */
export const REDACTED_PATHS = [
  'seed',
  'jwt',
  'creds',
  'password',
  'pass',
  'token',
  'authenticator',
  'key',
  '*.seed',
  '*.jwt',
  '*.creds',
  '*.password',
  '*.pass',
  '*.token',
  '*.authenticator',
  '*.key',
  'tls.key',
];

/** The default jetbus logger: JSON lines at `JETBUS_LOG_LEVEL` (default `info`), secrets redacted. */
export function createJetbusLogger(name: string): Logger {
  return pino({
    name,
    level: process.env.JETBUS_LOG_LEVEL ?? 'info',
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  });
}

/** A logger that drops everything, for `logger: false`. */
export const silentLogger = (): Logger => pino({ level: 'silent' });
