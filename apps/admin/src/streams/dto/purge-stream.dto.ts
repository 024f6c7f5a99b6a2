import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { SUBJECT, SUBJECT_MESSAGE } from './stream-name';

export class PurgeStreamDto {
  @ApiPropertyOptional({ description: 'Purge only messages on this subject (wildcards allowed)' })
  @IsOptional()
  @Matches(SUBJECT, { message: `subject ${SUBJECT_MESSAGE}` })
  subject?: string;

  @ApiPropertyOptional({ description: 'Keep this many of the newest messages (per subject with `subject`)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  keep?: number;
}
