import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayNotEmpty, IsArray, IsOptional, Matches } from 'class-validator';
import {
  PRINTABLE,
  PRINTABLE_MESSAGE,
  STREAM_SUBJECT,
  STREAM_SUBJECT_MESSAGE,
  SUBJECT,
  SUBJECT_MESSAGE,
} from './stream-name';
import { StreamConfigFields } from './stream-config-fields.dto';

/** The fields to change; the others keep their current value. The name cannot change. */
export class UpdateStreamDto extends StreamConfigFields {
  @ApiPropertyOptional({ type: [String], example: ['orders.>'] })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @Matches(SUBJECT, { each: true, message: `each value in subjects ${SUBJECT_MESSAGE}` })
  @Matches(STREAM_SUBJECT, { each: true, message: `each value in subjects ${STREAM_SUBJECT_MESSAGE}` })
  @Matches(PRINTABLE, { each: true, message: `each value in subjects ${PRINTABLE_MESSAGE}` })
  subjects?: string[];
}
