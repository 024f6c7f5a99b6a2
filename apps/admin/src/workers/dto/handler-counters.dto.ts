import { ApiProperty } from '@nestjs/swagger';

/**
 * A handler's counters as heartbeats report them: one worker's in `/api/workers`, the sum over
 * the live workers in `/api/overview`. Declared once for both documents.
 */
export class HandlerCountersDto {
  @ApiProperty({ example: 'OrderJobs.reserve' })
  handler!: string;

  @ApiProperty()
  subject!: string;

  @ApiProperty({ description: 'cumulative since each worker started' })
  processed!: number;

  @ApiProperty()
  failed!: number;

  @ApiProperty()
  retried!: number;

  @ApiProperty()
  deadLettered!: number;

  @ApiProperty({ description: 'running now' })
  inFlight!: number;
}
