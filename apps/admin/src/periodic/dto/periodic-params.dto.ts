import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { PERIODIC_NAME_PATTERN } from '@jetbus/core';

/** `:name` of a periodic schedule. */
export class PeriodicParams {
  @ApiProperty({ description: 'Schedule name', example: 'nightly-report' })
  @Matches(PERIODIC_NAME_PATTERN, { message: 'name must be 1 to 64 letters, digits, "-" or "_"' })
  name!: string;
}
