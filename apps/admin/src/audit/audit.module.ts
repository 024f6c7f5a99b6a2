import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditReader } from './audit-reader';

/** Reading the audit trail (the writer, `AuditService`, is the root module's: every feature uses it). */
@Module({ controllers: [AuditController], providers: [AuditReader] })
export class AuditModule {}
