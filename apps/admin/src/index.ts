export { startAdmin, type AdminServer } from './start-admin';
export { AdminModule } from './admin.module';
export {
  AdminOptions,
  AdminNatsOptions,
  AdminUserOptions,
  AdminTokenOptions,
  AdminOidcOptions,
  AdminHttpsOptions,
  AdminLoginLimitOptions,
  AdminBulkReplayLimitOptions,
  AdminAccessDeniedAuditOptions,
} from './options/admin.options';
export {
  resolveAdminOptions,
  type ResolvedAdminOptions,
  ADMIN_DEFAULT_HOST,
  ADMIN_DEFAULT_PORT,
  AUDIT_DEFAULT_STREAM,
} from './options/resolve-admin-options';
export { parseAdminConfig } from './options/parse-admin-config';
export { isLoopbackBind } from './http/allowed-hosts';
export { ADMIN_ROLES, type AdminRole } from './auth/admin-role';
export { type AdminPrincipal } from './auth/admin-principal';
export { tokenDigest } from './auth/bearer-token';
export { hashPassword, verifyPassword, SCRYPT_PARAMS } from './auth/password-hash';
export { SESSION_COOKIE, type SessionView } from './auth/admin-session';
export { CSRF_HEADER } from './auth/csrf.guard';
export { type AuditEntry, type StoredAuditEntry } from './audit/audit-entry';
export { AUDIT_SUBJECT_PREFIX } from './audit/audit.service';
