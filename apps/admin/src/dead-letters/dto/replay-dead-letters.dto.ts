import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsNumber,
  IsOptional,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { DeadLetterFilterDto } from './dead-letter-filter.dto';

/** Most DLQ sequences one request may name; larger selections go by filter. */
export const REPLAY_MAX_SEQS = 10_000;

/** `POST /api/dead-letters/replay`: named entries, a filter, or both (the named ones that match). */
export class ReplayDeadLettersDto {
  @ApiPropertyOptional({ type: [Number], description: `DLQ sequences, at most ${REPLAY_MAX_SEQS}` })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1, { message: 'seqs must name at least one dead letter' })
  @ArrayMaxSize(REPLAY_MAX_SEQS, { message: `seqs may name at most ${REPLAY_MAX_SEQS} dead letters` })
  @IsInt({ each: true, message: 'seqs must be DLQ stream sequences (positive integers)' })
  @Min(1, { each: true, message: 'seqs must be DLQ stream sequences (positive integers)' })
  @Max(Number.MAX_SAFE_INTEGER, {
    each: true,
    message: 'seqs must be DLQ stream sequences (positive integers)',
  })
  seqs?: number[];

  @ApiPropertyOptional({ type: DeadLetterFilterDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => DeadLetterFilterDto)
  filter?: DeadLetterFilterDto;

  @ApiPropertyOptional({
    description: 'Publishes per second (core default 100)',
    minimum: 0.1,
    maximum: 10000,
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'ratePerSecond must be a number' })
  @Min(0.1, { message: 'ratePerSecond must be between 0.1 and 10000' })
  @Max(10_000, { message: 'ratePerSecond must be between 0.1 and 10000' })
  ratePerSecond?: number;

  @ApiPropertyOptional({ description: 'Check and list what would be replayed; publish and delete nothing' })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;

  @ApiPropertyOptional({ description: 'Required to replay every dead letter (no seqs, empty filter)' })
  @IsOptional()
  @IsBoolean()
  all?: boolean;
}
