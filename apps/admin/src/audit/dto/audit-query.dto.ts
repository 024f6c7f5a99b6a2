import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

/** Most entries one page returns. */
export const AUDIT_PAGE_MAX = 200;
export const AUDIT_PAGE_DEFAULT = 50;

/** The filters of `GET /api/audit` and `GET /api/audit/export`. */
export class AuditFilterDto {
  @ApiPropertyOptional({ description: 'exact actor name', example: 'alice' })
  @IsOptional()
  @Matches(/^[\w.@-]{1,64}$/, { message: 'actor must be 1-64 letters, digits or . _ @ -' })
  actor?: string;

  @ApiPropertyOptional({
    description: 'action prefix: `dlq` finds dlq.replay, dlq.edit-replay, ...',
    example: 'dlq',
  })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.-]{1,100}$/, { message: 'action must be 1-100 letters, digits or . _ -' })
  action?: string;

  @ApiPropertyOptional({ description: 'case-insensitive text in the target, filter or error' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ description: 'at or after this time (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'since must be an ISO 8601 time' })
  since?: string;

  @ApiPropertyOptional({ description: 'before this time (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'until must be an ISO 8601 time' })
  until?: string;

  @ApiPropertyOptional({ enum: ['ok', 'error'] })
  @IsOptional()
  @IsIn(['ok', 'error'])
  result?: 'ok' | 'error';
}

/** `GET /api/audit`: the filters plus paging, newest first. */
export class AuditQueryDto extends AuditFilterDto {
  @ApiPropertyOptional({ minimum: 1, maximum: AUDIT_PAGE_MAX, default: AUDIT_PAGE_DEFAULT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(AUDIT_PAGE_MAX)
  limit?: number;

  @ApiPropertyOptional({
    description: 'only entries with a sequence below this one (the `next` of the last page)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  before?: number;
}
