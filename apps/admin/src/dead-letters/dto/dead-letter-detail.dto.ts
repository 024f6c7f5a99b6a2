import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PayloadViewDto } from '../../payload-view';
import { DeadLetterItemDto } from './dead-letter-item.dto';

/** One entry of a dead letter's edit-and-replay history, read back from the audit stream. */
export class DeadLetterHistoryEntryDto {
  @ApiProperty({ description: 'Sequence of the entry in the audit stream' })
  auditSeq!: number;

  @ApiProperty()
  at!: string;

  @ApiProperty()
  actor!: string;

  @ApiProperty({ description: 'dlq.replay | dlq.edit-replay | dlq.delete' })
  action!: string;

  @ApiProperty()
  target!: string;

  @ApiProperty({ enum: ['ok', 'error'] })
  result!: 'ok' | 'error';

  @ApiPropertyOptional({ description: 'The payload before an edit, and other state before the action' })
  before?: unknown;

  @ApiPropertyOptional({ description: 'The edit' })
  after?: unknown;

  @ApiPropertyOptional()
  outcome?: unknown;

  @ApiPropertyOptional()
  error?: string;
}

/** One dead letter in full. Headers, error texts and payload are untrusted: all plain strings. */
export class DeadLetterDetailDto extends DeadLetterItemDto {
  @ApiProperty({ description: 'The first frames of the stack' })
  stack!: string[];

  @ApiProperty({ description: 'When the DLQ stream stored it, ISO-8601' })
  storedAt!: string;

  @ApiProperty({ description: 'The handler had completed it (only the ack was lost): replay skips it' })
  completed!: boolean;

  @ApiProperty({
    description: "The job's own headers as [name, value] pairs (the ones replay publishes)",
    type: 'array',
    items: { type: 'array', items: { type: 'string' } },
  })
  headers!: [string, string][];

  @ApiProperty({ enum: ['inline', 'object', 'source'], description: 'Where the payload is kept' })
  payloadLocation!: 'inline' | 'object' | 'source';

  @ApiProperty({ type: PayloadViewDto, nullable: true, description: 'null when the payload is gone' })
  payload!: PayloadViewDto | null;

  @ApiPropertyOptional({ description: 'Why there is no payload view' })
  payloadError?: string;

  @ApiPropertyOptional({ description: "The job's header block, escaped, when it could not be decoded" })
  rawHeaders?: string;

  @ApiPropertyOptional({ description: 'Jetbus-Dlq-* headers the job itself carried (dropped as forged)' })
  forgedHeaders?: string;

  @ApiProperty({ type: [DeadLetterHistoryEntryDto] })
  history!: DeadLetterHistoryEntryDto[];
}
