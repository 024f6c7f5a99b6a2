import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** One row of a search. Every string comes from whoever published the job: show it as text. */
export class DeadLetterItemDto {
  @ApiProperty({ description: 'DLQ stream sequence: the id of the dead letter' })
  seq!: number;

  @ApiProperty({ description: 'Job id: Jetbus-Job-Id, else the original Nats-Msg-Id, else <stream>:<seq>' })
  id!: string;

  @ApiProperty({ type: String, nullable: true, description: 'The original Nats-Msg-Id' })
  msgId!: string | null;

  @ApiProperty({ description: 'The subject the job was published to (replay publishes there)' })
  subject!: string;

  @ApiProperty({ description: 'Stream of the original message' })
  stream!: string;

  @ApiProperty({ description: 'Sequence of the original message in its stream (0 when unknown)' })
  streamSeq!: number;

  @ApiProperty({ description: 'Durable consumer that gave up on the job' })
  durable!: string;

  @ApiProperty({ type: String, nullable: true, description: 'ClassName.method of the handler' })
  handler!: string | null;

  @ApiProperty({
    description: 'error | validation | decode | decrypt | max-deliveries | unknown | malformed',
  })
  reason!: string;

  @ApiProperty({ description: '"<error class>: <message>" (or what is wrong with a malformed entry)' })
  error!: string;

  @ApiProperty()
  attempts!: number;

  @ApiProperty({ description: 'When the job failed, ISO-8601' })
  deadAt!: string;

  @ApiProperty({ type: String, nullable: true, description: "W3C trace id from the job's traceparent" })
  traceId!: string | null;

  @ApiPropertyOptional({ description: 'Set when the entry is not a usable dead letter (replay skips it)' })
  malformed?: string;
}
