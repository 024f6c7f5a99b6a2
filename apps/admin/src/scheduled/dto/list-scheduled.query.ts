import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

export const SCHEDULED_DEFAULT_LIMIT = 50;
/** core's `listScheduled` reads one message per job; a page stays one short round of requests. */
export const SCHEDULED_MAX_LIMIT = 200;

/** `GET /api/scheduled`: a subject filter, a page size and the cursor of the previous page. */
export class ListScheduledQuery {
  @ApiPropertyOptional({
    description: 'Only jobs released to this subject; wildcards allowed (`orders.*`, `orders.>`)',
    example: 'orders.>',
  })
  @IsOptional()
  // Tokens of printable characters without spaces; core checks the wildcards' placement.
  @Matches(/^[^\s.]+(\.[^\s.]+)*$/, { message: 'subject must be a subject or a wildcard filter' })
  subject?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: SCHEDULED_MAX_LIMIT, default: SCHEDULED_DEFAULT_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1, { message: `limit must be between 1 and ${SCHEDULED_MAX_LIMIT}` })
  @Max(SCHEDULED_MAX_LIMIT, { message: `limit must be between 1 and ${SCHEDULED_MAX_LIMIT}` })
  limit?: number;

  @ApiPropertyOptional({ description: 'The `next` of the previous page, as it was returned' })
  @IsOptional()
  @Matches(/^[1-9]\d{0,15}$/, { message: 'cursor must be the `next` value of a previous page' })
  cursor?: string;
}
