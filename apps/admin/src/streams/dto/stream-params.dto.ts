import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { STREAM_NAME, STREAM_NAME_MESSAGE } from './stream-name';

/** `:name` of `/api/streams/:name/...`. */
export class StreamParams {
  @ApiProperty({ description: 'Stream name' })
  @Matches(STREAM_NAME, { message: STREAM_NAME_MESSAGE })
  name!: string;
}
