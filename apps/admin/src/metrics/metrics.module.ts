import { type MiddlewareConsumer, Module, type NestModule, type OnModuleInit } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { OverviewModule } from '../overview/overview.module';
import { AdminMetrics } from './admin-metrics';
import { HttpMetricsMiddleware } from './http-metrics.middleware';
import { MetricsSampler } from './metrics-sampler';
import { PrometheusController } from './prometheus.controller';
import { TimelineController } from './timeline.controller';

/** The timeline sampler, `GET /api/metrics/timeline` and the Prometheus endpoint `GET /metrics`. */
@Module({
  imports: [OverviewModule],
  controllers: [TimelineController, PrometheusController],
  providers: [AdminMetrics, MetricsSampler],
  exports: [AdminMetrics, MetricsSampler],
})
export class MetricsModule implements NestModule, OnModuleInit {
  constructor(
    private readonly metrics: AdminMetrics,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    this.audit.onAppend((entry, written) =>
      this.metrics.auditWrites.inc({ outcome: written ? 'written' : 'failed', result: entry.result }),
    );
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*path');
  }
}
