import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ADMIN_ROLES, type AdminRole } from '../../auth/admin-role';
import { type StoredAuditEntry } from '../audit-entry';

/** One stored audit entry, as the API returns it (the OpenAPI shape of `StoredAuditEntry`). */
export class AuditEntryDto implements StoredAuditEntry {
  @ApiProperty({ description: 'its audit stream sequence' })
  seq!: number;

  @ApiProperty({ format: 'date-time' })
  at!: string;

  @ApiProperty()
  actor!: string;

  @ApiProperty({ enum: ADMIN_ROLES })
  role!: AdminRole;

  @ApiProperty({ enum: ['password', 'oidc', 'token'] })
  via!: 'password' | 'oidc' | 'token';

  @ApiProperty({ example: 'dlq.replay' })
  action!: string;

  @ApiProperty()
  target!: string;

  @ApiPropertyOptional({ description: 'the filter of a bulk action, as sent' })
  filter?: unknown;

  @ApiPropertyOptional()
  before?: unknown;

  @ApiPropertyOptional()
  after?: unknown;

  @ApiProperty({ enum: ['ok', 'error'] })
  result!: 'ok' | 'error';

  @ApiPropertyOptional()
  error?: string;

  @ApiPropertyOptional()
  outcome?: unknown;

  @ApiPropertyOptional()
  ip?: string;

  @ApiPropertyOptional({
    description: 'how many refusals a coalesced access.denied entry stands for (absent: one)',
    minimum: 1,
  })
  count?: number;

  @ApiPropertyOptional({ format: 'date-time', description: 'the first of the refusals counted' })
  firstAt?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'the last of the refusals counted' })
  lastAt?: string;
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditEntryDto] })
  items!: AuditEntryDto[];

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'pass as `before` for the next (older) page; null when the trail is exhausted',
  })
  next!: number | null;

  @ApiProperty({ description: 'entries read to answer (at most 5000 per request)' })
  scanned!: number;
}
