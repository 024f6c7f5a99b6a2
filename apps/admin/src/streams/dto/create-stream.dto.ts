import { ApiProperty } from '@nestjs/swagger';
import { ArrayNotEmpty, IsArray, Matches } from 'class-validator';
import { STREAM_NAME, STREAM_NAME_MESSAGE, SUBJECT, SUBJECT_MESSAGE } from './stream-name';
import { StreamConfigFields } from './stream-config-fields.dto';

export class CreateStreamDto extends StreamConfigFields {
  @ApiProperty({ example: 'ORDERS' })
  @Matches(STREAM_NAME, { message: STREAM_NAME_MESSAGE })
  name!: string;

  @ApiProperty({ type: [String], example: ['orders.>'] })
  @IsArray()
  @ArrayNotEmpty()
  @Matches(SUBJECT, { each: true, message: `each value in subjects ${SUBJECT_MESSAGE}` })
  subjects!: string[];
}
