import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

/**
 * Fields that may hold secrets, at the top level and one level down. Seeds and creds are secret;
 * JWTs are not, but user JWTs are bearer-like and long: they have no place in logs either.
 */
export const AUTH_REDACT_PATHS: readonly string[] = ['seed', 'creds', 'jwt', 'token', 'password'].flatMap(
  (f) => [f, `*.${f}`],
);

/** A pino logger that censors seed / creds / jwt / token fields wherever a caller puts them. */
export function createAuthLogger(options: LoggerOptions = {}, destination?: DestinationStream): Logger {
  const merged: LoggerOptions = {
    name: 'jetbus-auth',
    ...options,
    redact: { paths: [...AUTH_REDACT_PATHS], censor: '[redacted]' },
  };
  return destination ? pino(merged, destination) : pino(merged);
}
