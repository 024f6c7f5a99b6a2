import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { type DeclaredConsumer, type HandlerHeartbeat, type WorkerHeartbeat } from '@jetbus/core';
import { HandlerCountersDto } from './handler-counters.dto';

/** One `@JobHandler` of a worker process; counts are cumulative since that process started. */
export class HandlerHeartbeatDto extends HandlerCountersDto implements HandlerHeartbeat {
  @ApiProperty()
  stream!: string;

  @ApiProperty()
  durable!: string;

  @ApiProperty()
  concurrency!: number;

  @ApiPropertyOptional({
    description: "the consumer settings the handler provisions (JetStream's field names, durations in ns)",
    type: 'object',
    additionalProperties: true,
  })
  consumer?: DeclaredConsumer;
}

/** A worker process as its last heartbeat describes it, with how old that heartbeat is. */
export class WorkerDto implements WorkerHeartbeat {
  @ApiProperty({ description: 'its key in JETBUS_WORKERS: <user>.<host>.<pid>.<random>' })
  id!: string;

  @ApiProperty({ description: 'the service name of its connection' })
  name!: string;

  @ApiProperty()
  user!: string;

  @ApiProperty()
  host!: string;

  @ApiProperty()
  pid!: number;

  @ApiProperty({ description: 'the @jetbus/core version it runs' })
  version!: string;

  @ApiProperty({ format: 'date-time' })
  startedAt!: string;

  @ApiProperty({ format: 'date-time', description: 'when its last heartbeat was written' })
  at!: string;

  @ApiProperty({ type: [HandlerHeartbeatDto] })
  handlers!: HandlerHeartbeatDto[];

  @ApiProperty({ description: 'milliseconds since its last heartbeat, as this app’s clock sees it' })
  ageMs!: number;

  @ApiProperty({ description: 'no heartbeat for more than two intervals: stuck, paused or gone' })
  stale!: boolean;
}

export class WorkersDto {
  @ApiProperty({ type: [WorkerDto] })
  workers!: WorkerDto[];

  @ApiProperty({ description: 'the heartbeat interval the bucket was created for, in milliseconds' })
  intervalMs!: number;
}
