import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PAYLOAD_FORMATS, type PayloadFormat } from '../../payload-view';

export class MessageFormatQuery {
  @ApiPropertyOptional({
    enum: PAYLOAD_FORMATS,
    default: 'json',
    description: 'json: pretty JSON when it parses, else text; text: escaped UTF-8; hex: a hex dump',
  })
  @IsOptional()
  @IsIn(PAYLOAD_FORMATS)
  format?: PayloadFormat;
}
