import { ApiProperty } from '@nestjs/swagger';
import { ArrayNotEmpty, IsArray, Matches } from 'class-validator';
import {
  PRINTABLE,
  PRINTABLE_MESSAGE,
  STREAM_NAME,
  STREAM_NAME_MESSAGE,
  STREAM_SUBJECT,
  STREAM_SUBJECT_MESSAGE,
  SUBJECT,
  SUBJECT_MESSAGE,
} from './stream-name';
import { StreamConfigFields } from './stream-config-fields.dto';

export class CreateStreamDto extends StreamConfigFields {
  @ApiProperty({ example: 'ORDERS' })
  @Matches(STREAM_NAME, { message: STREAM_NAME_MESSAGE })
  @Matches(PRINTABLE, { message: `name ${PRINTABLE_MESSAGE}` })
  name!: string;

  @ApiProperty({ type: [String], example: ['orders.>'] })
  @IsArray()
  @ArrayNotEmpty()
  @Matches(SUBJECT, { each: true, message: `each value in subjects ${SUBJECT_MESSAGE}` })
  @Matches(STREAM_SUBJECT, { each: true, message: `each value in subjects ${STREAM_SUBJECT_MESSAGE}` })
  @Matches(PRINTABLE, { each: true, message: `each value in subjects ${PRINTABLE_MESSAGE}` })
  subjects!: string[];
}
