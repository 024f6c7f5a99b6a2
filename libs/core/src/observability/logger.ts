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

/**
 * The default jetbus logger: JSON lines at `JETBUS_LOG_LEVEL` (default `info`), secrets redacted,
 * written synchronously to stdout. pino's default buffers a line whenever a write is pending (a pipe
 * its reader has not drained) and flushes only on a clean exit; the lines a worker wrote just before
 * a `kill -9`, an OOM kill or a job's `process.exit` (which suspect ran alone, which job it held)
 * are the ones poison isolation is judged by, so none may be lost. jetbus logs events, not every job.
 */
export function createJetbusLogger(name: string): Logger {
  return pino(
    {
      name,
      level: process.env.JETBUS_LOG_LEVEL ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    pino.destination({ dest: 1, sync: true }),
  );
}

/** A logger that drops everything, for `logger: false`. */
export const silentLogger = (): Logger => pino({ level: 'silent' });
