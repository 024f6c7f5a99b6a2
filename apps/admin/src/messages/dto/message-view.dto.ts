import { ApiProperty } from '@nestjs/swagger';
import { PayloadViewDto } from '../../payload-view';
import { type MessageView } from '../message-view';

export class MessageViewDto implements MessageView {
  @ApiProperty()
  seq!: number;

  @ApiProperty({ description: 'Control characters escaped as \\u00XX' })
  subject!: string;

  @ApiProperty({ description: 'ISO time the stream stored it' })
  time!: string;

  @ApiProperty({ description: 'Payload size in bytes' })
  size!: number;

  @ApiProperty({
    type: 'array',
    items: { type: 'array', items: { type: 'string' }, minItems: 2, maxItems: 2 },
    description: '[name, value] pairs in stored order; repeated names kept; control characters escaped',
  })
  headers!: [string, string][];

  @ApiProperty({ type: PayloadViewDto })
  payload!: PayloadViewDto;
}

export class MessagePageDto {
  @ApiProperty({ type: [MessageViewDto] })
  messages!: MessageViewDto[];

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'fromSeq of the following page (the next matching message); null when there is none',
  })
  next!: number | null;
}
