import { ApiProperty } from '@nestjs/swagger';

export class TimelinePointDto {
  @ApiProperty({ format: 'date-time', description: 'end of the interval' })
  at!: string;

  @ApiProperty({ description: 'deliveries settled in the interval, all workers and handlers' })
  processed!: number;

  @ApiProperty()
  failed!: number;

  @ApiProperty()
  retried!: number;

  @ApiProperty()
  deadLettered!: number;

  @ApiProperty({ description: 'messages not yet delivered, summed over consumers, at `at`' })
  pending!: number;

  @ApiProperty({ description: 'messages in the dead-letter stream at `at`' })
  deadLetters!: number;

  @ApiProperty({ description: 'delayed jobs waiting in the scheduling stream at `at`' })
  scheduled!: number;
}

export class TimelineDto {
  @ApiProperty({ description: 'the interval each point covers (counts are per interval)' })
  intervalMs!: number;

  @ApiProperty({
    type: [TimelinePointDto],
    description: 'oldest first; intervals without a sample are left out',
  })
  points!: TimelinePointDto[];
}
