import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';

/** What `cancel` takes (@jetbus/core's `checkCancellableJobId`): a job id or `<stream>:<seq>`. */
export const CANCELLABLE_JOB_ID = /^(?:[-_A-Za-z0-9]{1,128}|[-_A-Za-z0-9]{1,128}:[1-9][0-9]{0,19})$/;

/** `:jobId`. */
export class JobIdParams {
  @ApiProperty({ description: 'The job id (Jetbus-Job-Id), or <stream>:<seq>' })
  @Matches(CANCELLABLE_JOB_ID, {
    message: 'jobId must be 1 to 128 letters, digits, "-" or "_", or <stream>:<seq>',
  })
  jobId!: string;
}
