import { ApiProperty } from '@nestjs/swagger';
import { PAYLOAD_FORMATS, type PayloadFormat } from './payload-format';
import { type PayloadEncryptionNote } from './payload-encryption-note';
import { type PayloadView } from './payload-view';

/** OpenAPI shape of a `PayloadView` (for `@ApiProperty({ type: PayloadViewDto })` in responses). */
export class PayloadViewDto implements PayloadView {
  @ApiProperty({ enum: PAYLOAD_FORMATS, description: '`json` only when the payload parsed as JSON' })
  format!: PayloadFormat;

  @ApiProperty({
    description:
      'Pretty JSON, UTF-8 text (control characters as \\u00XX, invalid bytes as \\xNN) or a hex dump',
  })
  text!: string;

  @ApiProperty({ description: 'Whether text stops before the end of the payload (views are cut at 256 KiB)' })
  truncated!: boolean;

  @ApiProperty({ description: 'Payload size in bytes' })
  bytes!: number;

  @ApiProperty({
    required: false,
    description:
      'Set when the payload is encrypted (Jetbus-Enc): text is then the ciphertext; { kid?, note } says so (the admin app holds no keys)',
  })
  encryption?: PayloadEncryptionNote;
}
