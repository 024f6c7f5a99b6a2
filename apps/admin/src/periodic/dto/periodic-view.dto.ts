import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** A periodic schedule as its workers declared it, with its paused flag and ticks. */
export class PeriodicViewDto {
  @ApiProperty({ example: 'nightly-report' })
  name!: string;

  @ApiProperty({ example: '0 0 2 * * *' })
  cron!: string;

  @ApiProperty({ example: 'UTC' })
  timezone!: string;

  @ApiProperty({ description: 'where ticks are published', example: 'jetbus.periodic.nightly-report' })
  subject!: string;

  @ApiProperty({ description: 'false: a tick is skipped while the previous one is pending or running' })
  overlap!: boolean;

  @ApiProperty({ enum: ['skip', 'run-once'] })
  missed!: 'skip' | 'run-once';

  @ApiPropertyOptional({
    description: '`ClassName.method` of a @Periodic; null for a module-declared schedule',
    nullable: true,
    type: String,
  })
  handler!: string | null;

  @ApiProperty({ description: 'the service that last declared it' })
  service!: string;

  @ApiProperty()
  paused!: boolean;

  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' })
  pausedAt!: string | null;

  @ApiPropertyOptional({
    description: 'the last tick published, by any instance',
    nullable: true,
    type: String,
    format: 'date-time',
  })
  lastTick!: string | null;

  @ApiPropertyOptional({
    description: 'the next tick by its cron expression',
    nullable: true,
    type: String,
    format: 'date-time',
  })
  nextTick!: string | null;
}

export class PeriodicListDto {
  @ApiProperty({ type: [PeriodicViewDto] })
  schedules!: PeriodicViewDto[];
}

export class PeriodicPausedDto {
  @ApiProperty()
  name!: string;

  @ApiProperty()
  paused!: boolean;
}
