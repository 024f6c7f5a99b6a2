import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PAYLOAD_FORMATS, type PayloadFormat } from '../../payload-view';

/** `GET /api/dead-letters/:seq?format`: how to show the payload. */
export class DeadLetterViewQuery {
  @ApiPropertyOptional({ enum: PAYLOAD_FORMATS, default: 'json' })
  @IsOptional()
  @IsIn(PAYLOAD_FORMATS, { message: `format must be one of ${PAYLOAD_FORMATS.join(', ')}` })
  format?: PayloadFormat;
}
