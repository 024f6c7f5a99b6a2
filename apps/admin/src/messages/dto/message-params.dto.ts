import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { StreamParams } from '../../streams/dto/stream-params.dto';

export class MessageParams extends StreamParams {
  @ApiProperty({ description: 'Stream sequence', minimum: 1 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  seq!: number;
}
