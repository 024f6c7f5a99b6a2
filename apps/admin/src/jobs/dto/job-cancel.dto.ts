import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** What `JETBUS_CANCELLED` records for a job (@jetbus/core's `JobCancellation`). */
export class JobCancellationDto {
  @ApiProperty()
  jobId!: string;

  @ApiProperty({ enum: ['requested', 'cancelled'] })
  state!: 'requested' | 'cancelled';

  @ApiProperty({ description: 'ISO 8601' })
  requestedAt!: string;

  @ApiPropertyOptional({ description: 'ISO 8601, when a worker settled the job as cancelled' })
  settledAt?: string;

  @ApiPropertyOptional({ enum: ['queued', 'running'] })
  while?: 'queued' | 'running';

  @ApiPropertyOptional({ description: 'The handler (Class.method) that settled it' })
  handler?: string;

  @ApiPropertyOptional()
  deadLettered?: boolean;
}

/** The result of `POST /api/jobs/:jobId/cancel`. */
export class JobCancelDto {
  @ApiProperty()
  jobId!: string;

  @ApiProperty({
    enum: ['cancelled', 'requested'],
    description:
      '`cancelled`: it will not run (again); `requested`: recorded, a worker with `cancellation` terms it when delivered or aborts it if running',
  })
  outcome!: 'cancelled' | 'requested';

  @ApiProperty({
    enum: ['cancelled', 'released'],
    nullable: true,
    description: 'what became of a scheduled job',
  })
  scheduled!: 'cancelled' | 'released' | null;

  @ApiProperty({ nullable: true, description: "the scheduled job's subject, when it was still scheduled" })
  subject!: string | null;

  @ApiProperty({ type: JobCancellationDto, nullable: true })
  cancellation!: JobCancellationDto | null;
}
