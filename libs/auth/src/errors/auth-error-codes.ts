/** Stable codes of `@jetbus/auth` errors; a `const` object plus its union type, as nats.js does. */
export const AuthErrorCodes = {
  Policy: 'AUTH_POLICY',
  PolicyValidation: 'AUTH_POLICY_VALIDATION',
  PermissionDenied: 'AUTH_PERMISSION_DENIED',
  Authorization: 'AUTH_AUTHORIZATION',
  UserRevoked: 'AUTH_USER_REVOKED',
  UserExpired: 'AUTH_USER_EXPIRED',
  KeyStore: 'AUTH_KEY_STORE',
  ClaimsUpdate: 'AUTH_CLAIMS_UPDATE',
  File: 'AUTH_FILE',
  InvalidOption: 'AUTH_INVALID_OPTION',
  Connection: 'AUTH_CONNECTION',
} as const;

export type AuthErrorCode = (typeof AuthErrorCodes)[keyof typeof AuthErrorCodes];
