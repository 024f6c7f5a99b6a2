import { randomBytes } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ADMIN_OPTIONS, type ResolvedAdminOptions } from '../options/resolve-admin-options';
import { type AdminPrincipal } from './admin-principal';
import { hashPassword, verifyPassword } from './password-hash';

/**
 * The configured local users (`users` option) and their scrypt hashes. An unknown name is checked
 * against a throwaway hash of the same cost, so the answer takes as long as for a real user with a
 * wrong password: timing does not tell which names exist.
 */
@Injectable()
export class LocalUsersService implements OnModuleInit {
  private decoy: Promise<string> | undefined;

  constructor(@Inject(ADMIN_OPTIONS) private readonly options: ResolvedAdminOptions) {}

  /** The decoy is made before the first login, or that login would take two hashes' time. */
  async onModuleInit(): Promise<void> {
    if (this.enabled) await this.decoyHash();
  }

  /** Whether password login is offered at all. */
  get enabled(): boolean {
    return this.options.users.length > 0;
  }

  /** The principal for `name` and `password`, or undefined for an unknown name or a wrong password. */
  async authenticate(name: string, password: string): Promise<AdminPrincipal | undefined> {
    const user = this.options.users.find((u) => u.name === name);
    const hash = user?.passwordHash ?? (await this.decoyHash());
    const ok = await verifyPassword(password, hash);
    return ok && user ? { name: user.name, role: user.role, via: 'password' } : undefined;
  }

  private decoyHash(): Promise<string> {
    this.decoy ??= hashPassword(randomBytes(32).toString('base64url'));
    return this.decoy;
  }
}
