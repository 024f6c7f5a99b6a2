import { ApiPropertyOptional } from '@nestjs/swagger';
import { DEAD_LETTER_REASONS, type DeadLetterReason } from '@jetbus/core';
import { IsIn, IsISO8601, IsOptional, IsString, Length, Matches } from 'class-validator';

/**
 * A NATS subject or wildcard pattern: non-empty tokens without whitespace, `*` and `>` only as
 * whole tokens, `>` only last. Checked here so a bad pattern is a 400 naming the field, before core.
 */
const SUBJECT_PATTERN = /^(?:(?:[^\s.*>]+|\*)(?:\.(?:[^\s.*>]+|\*))*(?:\.>)?|>)$/;

/**
 * Which dead letters a search, bulk replay or purge selects. Every field given must hold.
 * `subject`, `handler`, `reason`, `error`, `since` and `until` are core's dead-letter filter
 * (`matchesDeadLetterFilter`); `id`, `msgId`, `q` and `handler` add what people search jobs by.
 */
export class DeadLetterFilterDto {
  @ApiPropertyOptional({
    description: 'Free text: case-insensitive substring of job id, msg id, subject or error',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  q?: string;

  @ApiPropertyOptional({
    description: 'Job id (Jetbus-Job-Id, else the original Nats-Msg-Id, else <stream>:<seq>), exact',
  })
  @IsOptional()
  @IsString()
  @Length(1, 512)
  id?: string;

  @ApiPropertyOptional({ description: 'The original Nats-Msg-Id, exact' })
  @IsOptional()
  @IsString()
  @Length(1, 512)
  msgId?: string;

  @ApiPropertyOptional({
    description: 'Original subject: exact or a NATS wildcard pattern (orders.*, orders.>)',
  })
  @IsOptional()
  @Matches(SUBJECT_PATTERN, {
    message:
      'subject must be a NATS subject or wildcard pattern (tokens without spaces; * and > whole tokens, > last)',
  })
  subject?: string;

  @ApiPropertyOptional({ description: 'Case-insensitive substring of "<error class>: <message>"' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  error?: string;

  @ApiPropertyOptional({ enum: DEAD_LETTER_REASONS })
  @IsOptional()
  @IsIn(DEAD_LETTER_REASONS, { message: `reason must be one of ${DEAD_LETTER_REASONS.join(', ')}` })
  reason?: DeadLetterReason;

  @ApiPropertyOptional({ description: 'Handler (ClassName.method) or durable consumer name, exact' })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  handler?: string;

  @ApiPropertyOptional({ description: 'Dead-lettered at or after this ISO-8601 time' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'since must be an ISO-8601 date-time' })
  since?: string;

  @ApiPropertyOptional({ description: 'Dead-lettered before this ISO-8601 time' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'until must be an ISO-8601 date-time' })
  until?: string;
}
