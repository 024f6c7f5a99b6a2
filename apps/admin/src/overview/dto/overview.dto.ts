import { ApiProperty } from '@nestjs/swagger';
import { HandlerCountersDto } from '../../workers/dto/handler-counters.dto';

/** One handler's counters summed over the live workers that run it. */
export class HandlerTotalsDto extends HandlerCountersDto {}

export class OverviewDto {
  @ApiProperty({ description: 'streams on the server (the audit and dead-letter streams included)' })
  streams!: number;

  @ApiProperty({ description: 'messages stored in all streams' })
  messages!: number;

  @ApiProperty()
  bytes!: number;

  @ApiProperty({ description: 'messages in the dead-letter stream (0 when it does not exist)' })
  deadLetters!: number;

  @ApiProperty({
    description:
      'delayed jobs waiting in the scheduling stream for their due time (0 when it does not exist)',
  })
  scheduled!: number;

  @ApiProperty({ description: 'workers whose heartbeat is not stale' })
  workers!: number;

  @ApiProperty()
  consumers!: number;

  @ApiProperty({ description: 'messages not yet delivered, summed over consumers' })
  pending!: number;

  @ApiProperty({ description: 'delivered and not yet acknowledged, summed over consumers' })
  ackPending!: number;

  @ApiProperty({ type: [HandlerTotalsDto] })
  handlers!: HandlerTotalsDto[];
}
