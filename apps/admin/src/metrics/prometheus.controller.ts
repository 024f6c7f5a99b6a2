import { Controller, Get, Header } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCookieAuth,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AdminMetrics } from './admin-metrics';

/** Prometheus scrape endpoint; a scraper authenticates with a viewer API token. */
@ApiTags('metrics')
@ApiBearerAuth()
@ApiCookieAuth()
@ApiUnauthorizedResponse({ description: 'not signed in' })
@Controller('metrics')
export class PrometheusController {
  constructor(private readonly metrics: AdminMetrics) {}

  @Get()
  @ApiOperation({ summary: "The app's own metrics in the Prometheus text exposition format" })
  @ApiProduces('text/plain')
  @ApiOkResponse({ type: String })
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
