import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import { type Response } from 'express';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { Public } from '../auth/roles.decorator';
import { NatsHealthIndicator } from './nats-health.indicator';

/**
 * Liveness and readiness for load balancers and orchestrators: public, and telling no more than
 * whether NATS and JetStream answer (the server version and stream count, nothing per stream).
 */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly nats: NatsHealthIndicator,
  ) {}

  @Get()
  @Public()
  @HealthCheck()
  @ApiOperation({ summary: 'Whether NATS is connected and JetStream answers' })
  @ApiOkResponse({ description: '{ status: "ok", info: { nats: { status: "up", ... } } }' })
  @ApiServiceUnavailableResponse({
    description: '{ status: "error", error: { nats: { status: "down", message } } }',
  })
  async check(@Res({ passthrough: true }) res: Response): Promise<HealthCheckResult> {
    try {
      return await this.health.check([() => this.nats.check('nats')]);
    } catch (e) {
      // Terminus reports "down" as a 503 exception carrying the result; the result is the answer,
      // not the app's generic error body.
      if (!(e instanceof ServiceUnavailableException)) throw e;
      res.status(503);
      return e.getResponse() as HealthCheckResult;
    }
  }
}
