import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';

/** `:seq` of a dead-letter route: the entry's DLQ stream sequence. */
export class DeadLetterSeqParam {
  @ApiProperty({ description: 'DLQ stream sequence of the dead letter', minimum: 1 })
  @Type(() => Number)
  @IsInt({ message: 'seq must be a DLQ stream sequence (a positive integer)' })
  @Min(1, { message: 'seq must be a DLQ stream sequence (a positive integer)' })
  @Max(Number.MAX_SAFE_INTEGER, { message: 'seq must be a DLQ stream sequence (a positive integer)' })
  seq!: number;
}
