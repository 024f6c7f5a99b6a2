import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

export class ReplayIdParam {
  @ApiProperty({ description: 'The replayId a bulk replay answered with' })
  @IsUUID('4', { message: 'replayId must be the id a bulk replay answered with' })
  replayId!: string;
}
