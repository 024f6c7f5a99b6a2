export { AUTH_REDACT_PATHS, createAuthLogger } from './auth-logger';
