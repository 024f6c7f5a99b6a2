import { ApiProperty } from '@nestjs/swagger';

/** A cancel that succeeded: the job will never be released. */
export class CancelledJobDto {
  @ApiProperty()
  jobId!: string;

  @ApiProperty({ enum: ['cancelled'] })
  outcome!: 'cancelled';

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The subject it would have been released to; null when an earlier cancel already removed it',
  })
  subject!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'When it was due, ISO-8601 (null as for subject)',
  })
  deliverAt!: string | null;
}
