import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsOptional, ValidateNested } from 'class-validator';
import { DeadLetterFilterDto } from './dead-letter-filter.dto';

/** `POST /api/dead-letters/purge`: deletes every dead letter the filter selects. */
export class PurgeDeadLettersDto {
  @ApiPropertyOptional({ type: DeadLetterFilterDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => DeadLetterFilterDto)
  filter?: DeadLetterFilterDto;

  @ApiPropertyOptional({ description: 'Required with an empty filter: purge every dead letter' })
  @IsOptional()
  @IsBoolean()
  all?: boolean;
}
