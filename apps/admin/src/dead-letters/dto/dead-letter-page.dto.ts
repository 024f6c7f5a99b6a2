import { ApiProperty } from '@nestjs/swagger';
import { DeadLetterItemDto } from './dead-letter-item.dto';

export class DeadLetterPageDto {
  @ApiProperty({ type: [DeadLetterItemDto] })
  items!: DeadLetterItemDto[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null when the search reached the end of the DLQ',
  })
  next!: string | null;

  @ApiProperty({ description: 'Dead letters this request examined (at most 20,000 per request)' })
  scanned!: number;

  @ApiProperty({ description: 'Dead letters in the DLQ stream' })
  total!: number;
}
