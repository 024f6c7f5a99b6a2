import { ApiProperty } from '@nestjs/swagger';

/** One job waiting in the scheduling stream. Its id and subject come from whoever scheduled it: show them as text. */
export class ScheduledJobDto {
  @ApiProperty({ description: 'Jetbus-Job-Id: what cancel takes' })
  jobId!: string;

  @ApiProperty({ description: 'The subject it is released to when due' })
  subject!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'When it is due, ISO-8601; null when its Jetbus-Deliver-At header is unreadable (released at once)',
  })
  deliverAt!: string | null;

  @ApiProperty({ description: 'When the scheduling stream stored it (the server clock), ISO-8601' })
  scheduledAt!: string;

  @ApiProperty({ description: 'Its sequence in the scheduling stream' })
  seq!: number;

  @ApiProperty({ description: 'Size of its encoded payload in bytes' })
  bytes!: number;
}
