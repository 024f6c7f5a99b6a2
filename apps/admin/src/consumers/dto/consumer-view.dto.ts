import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { type ConsumerConfig } from '@nats-io/jetstream';

export class ConsumerDriftFieldDto {
  @ApiProperty({ description: 'nats-server config field, e.g. max_deliver' })
  field!: string;

  @ApiProperty({ description: 'What a live worker declares' })
  declared!: unknown;

  @ApiProperty({ description: 'What the server has (null when unset)' })
  actual!: unknown;
}

/** One consumer with the figures an operator looks at. */
export class ConsumerViewDto {
  @ApiProperty()
  name!: string;

  @ApiProperty({ type: String, nullable: true, description: 'Durable name; null for an ephemeral consumer' })
  durable!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Filter subject(s), comma-separated when several',
  })
  filterSubject!: string | null;

  @ApiProperty({ enum: ['none', 'all', 'explicit'] })
  ackPolicy!: string;

  @ApiProperty({ enum: ['all', 'last', 'new', 'by_start_sequence', 'by_start_time', 'last_per_subject'] })
  deliverPolicy!: string;

  @ApiProperty({ description: '-1 = unlimited' })
  maxDeliver!: number;

  @ApiProperty()
  ackWaitMs!: number;

  @ApiProperty({ description: '-1 = unlimited' })
  maxAckPending!: number;

  @ApiProperty({ type: [Number] })
  backoffMs!: number[];

  @ApiProperty({ description: 'Messages not yet delivered' })
  numPending!: number;

  @ApiProperty({ description: 'Delivered, not yet acknowledged' })
  numAckPending!: number;

  @ApiProperty()
  numRedelivered!: number;

  @ApiProperty({ description: 'Pull requests waiting' })
  numWaiting!: number;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'ISO time of the last delivery or ack; null when the server does not report it (2.9)',
  })
  lastActive!: string | null;

  @ApiPropertyOptional({ description: 'Whether it is paused (servers 2.11+ only)' })
  paused?: boolean;

  @ApiProperty({
    type: [ConsumerDriftFieldDto],
    nullable: true,
    description: 'Settings that differ from what live workers declare; null = no worker declares it',
  })
  drift!: ConsumerDriftFieldDto[] | null;
}

export class ConsumerListDto {
  @ApiProperty({ type: [ConsumerViewDto] })
  consumers!: ConsumerViewDto[];
}

export class ConsumerDetailDto extends ConsumerViewDto {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'nats-server ConsumerConfig' })
  config!: ConsumerConfig;
}
