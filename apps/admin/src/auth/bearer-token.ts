import { createHash, timingSafeEqual } from 'node:crypto';
import { type AdminTokenOptions } from '../options/admin.options';
import { type AdminPrincipal } from './admin-principal';

/** Hex SHA-256 of a token: what the configuration holds instead of the token. */
export const tokenDigest = (token: string): string =>
  createHash('sha256').update(token, 'utf8').digest('hex');

/**
 * The principal a bearer token stands for, or undefined. Every configured digest is compared in
 * constant time, so the answer's timing does not tell which token (or how much of one) matched.
 */
export function principalForToken(
  token: string,
  tokens: readonly AdminTokenOptions[],
): AdminPrincipal | undefined {
  const digest = Buffer.from(tokenDigest(token), 'hex');
  let found: AdminTokenOptions | undefined;
  for (const candidate of tokens) {
    if (timingSafeEqual(digest, Buffer.from(candidate.sha256, 'hex')) && !found) found = candidate;
  }
  return found && { name: found.name, role: found.role, via: 'token' };
}

/** The token of an `Authorization: Bearer <token>` header, if the request has one. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const match = /^Bearer ([\x21-\x7e]{16,512})$/.exec(value ?? '');
  return match?.[1];
}
