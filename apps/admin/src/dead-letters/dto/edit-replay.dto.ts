import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString } from 'class-validator';

export const EDIT_ENCODINGS = ['utf8', 'base64'] as const;
export type EditEncoding = (typeof EDIT_ENCODINGS)[number];

/** `POST /api/dead-letters/:seq/edit-replay`: the payload to publish instead of the stored one. */
export class EditReplayDto {
  @ApiProperty({ description: 'The new payload: text, or base64 when encoding is base64' })
  @IsString({ message: 'payload must be a string' })
  payload!: string;

  @ApiPropertyOptional({ enum: EDIT_ENCODINGS, default: 'utf8' })
  @IsIn(EDIT_ENCODINGS, { message: 'encoding must be utf8 or base64' })
  encoding: EditEncoding = 'utf8';
}
