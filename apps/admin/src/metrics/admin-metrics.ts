import { Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The admin app's own Prometheus metrics, in a registry of its own (never prom-client's global
 * one, which an embedding process may already use): HTTP requests, audit writes, the sampler, and
 * the default process metrics.
 */
@Injectable()
export class AdminMetrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'jetbus_admin_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'jetbus_admin_http_request_duration_seconds',
    help: 'Time to answer HTTP requests, by method and route pattern',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly auditWrites = new Counter({
    name: 'jetbus_admin_audit_writes_total',
    help: 'Audit entries appended (written) or lost (failed), by action result',
    labelNames: ['outcome', 'result'] as const,
    registers: [this.registry],
  });

  readonly samples = new Counter({
    name: 'jetbus_admin_sampler_samples_total',
    help: 'Metrics sampler runs, by outcome (ok, failed)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly sampleDuration = new Histogram({
    name: 'jetbus_admin_sampler_duration_seconds',
    help: 'Time one metrics sample takes (heartbeats, streams and consumers read)',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'jetbus_admin_' });
  }
}
