import { JetbusErrorCodes } from './error-codes';
import { JetbusError } from './jetbus.error';

/** Why the server refused (or dropped) a user; a `const` object plus its union type. */
export const AuthenticationFailures = {
  /**
   * "Authorization Violation": unknown or revoked user, creds of another operator or account, a
   * source address the user may not connect from, or no creds at all. nats-server 2.9 sends the same
   * words for all of them at connect time, so only the server log tells them apart.
   */
  AuthorizationViolation: 'authorization-violation',
  /** The user's (or its account's) JWT is past its expiry. */
  Expired: 'expired',
  /** The account revoked the user's key while it was connected. */
  Revoked: 'revoked',
} as const;

export type AuthenticationFailure = (typeof AuthenticationFailures)[keyof typeof AuthenticationFailures];

export interface AuthenticationErrorOptions {
  cause?: unknown;
  /** When the user's JWT expired (from its creds), for `expired`. */
  expiredAt?: Date;
  /** What the server said, e.g. `Authorization Violation`. */
  serverMessage?: string;
}

const who = (user: string | undefined): string => (user ? `user "${user}"` : 'a connection without creds');

function describe(
  user: string | undefined,
  reason: AuthenticationFailure,
  o: AuthenticationErrorOptions,
): string {
  switch (reason) {
    case AuthenticationFailures.Expired:
      return `${who(user)} has expired${o.expiredAt ? ` (at ${o.expiredAt.toISOString()})` : ''}; issue new creds`;
    case AuthenticationFailures.Revoked:
      return `${who(user)} was revoked by its account; the server closed its connection`;
    default:
      return (
        `${who(user)} was refused by the server (${o.serverMessage ?? 'Authorization Violation'}): unknown or ` +
        `revoked user, creds of another operator, or a source address the user may not connect from`
      );
  }
}

/** The server refused the connection's credentials, or dropped a live connection for an auth reason. */
export class AuthenticationError extends JetbusError {
  readonly expiredAt: Date | undefined;
  /** What the server said, e.g. `Authorization Violation`, when known. */
  readonly serverMessage: string | undefined;

  constructor(
    /** The user's name from its creds; undefined when the connection had none. */
    readonly user: string | undefined,
    readonly reason: AuthenticationFailure,
    readonly servers: string[],
    options: AuthenticationErrorOptions = {},
  ) {
    super(
      JetbusErrorCodes.Authentication,
      `NATS at ${servers.join(', ')}: ${describe(user, reason, options)}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.expiredAt = options.expiredAt;
    this.serverMessage = options.serverMessage;
  }
}
