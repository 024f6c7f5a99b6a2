import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

/** The windows a timeline can cover, in milliseconds. */
export const TIMELINE_WINDOWS = {
  '15m': 15 * 60 * 1000,
  '1h': 60 * 60 * 1000,
  '6h': 6 * 60 * 60 * 1000,
  '24h': 24 * 60 * 60 * 1000,
} as const;

export type TimelineWindow = keyof typeof TIMELINE_WINDOWS;

export class TimelineQueryDto {
  @ApiPropertyOptional({ enum: Object.keys(TIMELINE_WINDOWS), default: '1h' })
  @IsOptional()
  @IsIn(Object.keys(TIMELINE_WINDOWS), { message: 'window must be one of 15m, 1h, 6h, 24h' })
  window?: TimelineWindow;
}
