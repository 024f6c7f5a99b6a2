import { ApiProperty } from '@nestjs/swagger';
import { ScheduledJobDto } from './scheduled-job.dto';

export class ScheduledPageDto {
  @ApiProperty({ type: [ScheduledJobDto], description: 'In the order they were scheduled, not by due time' })
  items!: ScheduledJobDto[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null when this page reached the end of the stream',
  })
  next!: string | null;

  @ApiProperty({
    description: 'Jobs waiting in the scheduling stream, every subject (0 when it does not exist)',
  })
  total!: number;
}
