import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { type Duration } from '@jetbus/core';
import { IsDuration } from './is-duration.decorator';

export const RETENTIONS = ['limits', 'interest', 'workqueue'] as const;
export const STORAGES = ['file', 'memory'] as const;
export const DISCARDS = ['old', 'new'] as const;

/**
 * The stream settings the app lets an admin choose, shared by create and update (each declares
 * `subjects` itself: class-validator would pass a base class's `@IsOptional` on to create). Limits are `-1` for unlimited, as nats-server spells it.
 */
export class StreamConfigFields {
  @ApiPropertyOptional({ enum: RETENTIONS, default: 'limits' })
  @IsOptional()
  @IsIn(RETENTIONS)
  retention?: (typeof RETENTIONS)[number];

  @ApiPropertyOptional({ enum: STORAGES, default: 'file' })
  @IsOptional()
  @IsIn(STORAGES)
  storage?: (typeof STORAGES)[number];

  @ApiPropertyOptional({ minimum: 1, maximum: 5, default: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(5)
  replicas?: number;

  @ApiPropertyOptional({
    oneOf: [{ type: 'string' }, { type: 'number' }],
    description: 'Oldest message kept: milliseconds or "30s", "1h", "7d"; 0 = unlimited',
    example: '7d',
  })
  @IsOptional()
  @IsDuration()
  maxAge?: Duration;

  @ApiPropertyOptional({ description: '-1 = unlimited' })
  @IsOptional()
  @IsInt()
  @Min(-1)
  @Max(Number.MAX_SAFE_INTEGER)
  maxMsgs?: number;

  @ApiPropertyOptional({ description: '-1 = unlimited' })
  @IsOptional()
  @IsInt()
  @Min(-1)
  @Max(Number.MAX_SAFE_INTEGER)
  maxBytes?: number;

  @ApiPropertyOptional({ description: '-1 = unlimited' })
  @IsOptional()
  @IsInt()
  @Min(-1)
  @Max(Number.MAX_SAFE_INTEGER)
  maxMsgSize?: number;

  @ApiPropertyOptional({
    oneOf: [{ type: 'string' }, { type: 'number' }],
    description: 'Window in which a repeated Nats-Msg-Id is dropped: milliseconds or "2m"',
    example: '2m',
  })
  @IsOptional()
  @IsDuration()
  duplicateWindow?: Duration;

  @ApiPropertyOptional({ enum: DISCARDS, default: 'old' })
  @IsOptional()
  @IsIn(DISCARDS)
  discard?: (typeof DISCARDS)[number];

  @ApiPropertyOptional({ maxLength: 1024 })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  description?: string;
}
