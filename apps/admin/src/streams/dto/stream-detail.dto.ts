import { ApiProperty } from '@nestjs/swagger';
import { type StreamConfig, type StreamState } from '@nats-io/jetstream';

/** A stream's configuration and state as nats-server reports them (its snake_case field names). */
export class StreamDetailDto {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'nats-server StreamConfig' })
  config!: StreamConfig;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'nats-server StreamState' })
  state!: StreamState;
}
