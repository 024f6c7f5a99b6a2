import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { DeadLetterFilterDto } from './dead-letter-filter.dto';

export const SEARCH_ORDERS = ['newest', 'oldest'] as const;
export type SearchOrder = (typeof SEARCH_ORDERS)[number];
export const SEARCH_DEFAULT_LIMIT = 50;
export const SEARCH_MAX_LIMIT = 200;

/** `GET /api/dead-letters`: a filter, a page size, an order and the cursor of the previous page. */
export class SearchDeadLettersQuery extends DeadLetterFilterDto {
  @ApiPropertyOptional({ minimum: 1, maximum: SEARCH_MAX_LIMIT, default: SEARCH_DEFAULT_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1, { message: `limit must be between 1 and ${SEARCH_MAX_LIMIT}` })
  @Max(SEARCH_MAX_LIMIT, { message: `limit must be between 1 and ${SEARCH_MAX_LIMIT}` })
  limit?: number;

  @ApiPropertyOptional({ description: 'The `next` of the previous page, as it was returned' })
  @IsOptional()
  @Matches(/^[1-9]\d{0,15}$/, { message: 'cursor must be the `next` value of a previous page' })
  cursor?: string;

  @ApiPropertyOptional({ enum: SEARCH_ORDERS, default: 'newest' })
  @IsOptional()
  @IsIn(SEARCH_ORDERS, { message: 'order must be newest or oldest' })
  order?: SearchOrder;
}
