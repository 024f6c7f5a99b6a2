import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { JOB_ID_PATTERN } from '@jetbus/core';

/** `:jobId` of a scheduled-job route. */
export class ScheduledJobIdParam {
  @ApiProperty({ description: 'Jetbus-Job-Id of the scheduled job', pattern: JOB_ID_PATTERN.source })
  @Matches(JOB_ID_PATTERN, { message: 'jobId must be 1 to 128 letters, digits, "-" or "_"' })
  jobId!: string;
}
