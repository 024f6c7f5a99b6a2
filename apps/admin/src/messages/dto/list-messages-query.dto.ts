import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, Matches, Max, Min } from 'class-validator';
import { SUBJECT, SUBJECT_MESSAGE } from '../../streams/dto/stream-name';
import { MessageFormatQuery } from './message-format-query.dto';

export const MESSAGES_DEFAULT_LIMIT = 50;
export const MESSAGES_MAX_LIMIT = 200;

export class ListMessagesQuery extends MessageFormatQuery {
  @ApiPropertyOptional({ description: 'First sequence to look at (a page’s `next`)', minimum: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  fromSeq?: number;

  @ApiPropertyOptional({ description: 'Last sequence to look at', minimum: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  toSeq?: number;

  @ApiPropertyOptional({ description: 'Only messages stored at or after this ISO time' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'since must be an ISO-8601 time, e.g. 2026-01-31T12:00:00Z' })
  since?: string;

  @ApiPropertyOptional({ description: 'Only messages on this subject (wildcards allowed)' })
  @IsOptional()
  @Matches(SUBJECT, { message: `subject ${SUBJECT_MESSAGE}` })
  subject?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MESSAGES_MAX_LIMIT, default: MESSAGES_DEFAULT_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MESSAGES_MAX_LIMIT)
  limit?: number;
}
