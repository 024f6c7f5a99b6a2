import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { STREAM_NAME, STREAM_NAME_MESSAGE } from '../../streams/dto/stream-name';

/** `:name/consumers/:consumer`; consumer names follow the stream-name rules. */
export class ConsumerParams {
  @ApiProperty({ description: 'Stream name' })
  @Matches(STREAM_NAME, { message: STREAM_NAME_MESSAGE })
  name!: string;

  @ApiProperty({ description: 'Consumer name' })
  @Matches(STREAM_NAME, { message: STREAM_NAME_MESSAGE.replace(/^name/, 'consumer') })
  consumer!: string;
}
