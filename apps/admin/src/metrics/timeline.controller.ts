import { Controller, Get, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCookieAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { downsample } from './downsample';
import { TIMELINE_WINDOWS, TimelineQueryDto } from './dto/timeline-query.dto';
import { TimelineDto } from './dto/timeline.dto';
import { MetricsSampler } from './metrics-sampler';

@ApiTags('metrics')
@ApiBearerAuth()
@ApiCookieAuth()
@ApiUnauthorizedResponse({ description: 'not signed in' })
@Controller('api/metrics')
export class TimelineController {
  constructor(private readonly sampler: MetricsSampler) {}

  @Get('timeline')
  @ApiOperation({ summary: 'Throughput, failures, pending and dead letters over time (sampled by this app)' })
  @ApiOkResponse({ type: TimelineDto })
  @ApiBadRequestResponse({ description: 'unknown window' })
  timeline(@Query() query: TimelineQueryDto): TimelineDto {
    const { intervalMs, points } = downsample(
      this.sampler.points.toArray(),
      TIMELINE_WINDOWS[query.window ?? '1h'],
      Date.now(),
      this.sampler.intervalMs,
    );
    return { intervalMs, points: points.map((p) => ({ ...p, at: new Date(p.at).toISOString() })) };
  }
}
