import {
  type DynamicModule,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  ValidationPipe,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { JetbusModule } from '@jetbus/core';
import { ADMIN_LOGGER, createAdminLogger } from './admin-logger';
import { AuditModule } from './audit/audit.module';
import { AuditService } from './audit/audit.service';
import { AuthModule } from './auth/auth.module';
import { AuthenticateMiddleware } from './auth/authenticate.middleware';
import { DeadLettersModule } from './dead-letters/dead-letters.module';
import { RefusalAudit } from './auth/refusal-audit';
import { RolesGuard } from './auth/roles.guard';
import { ScheduledModule } from './scheduled/scheduled.module';
import { HealthModule } from './health/health.module';
import { JetbusExceptionFilter } from './http/jetbus-exception.filter';
import { MetricsModule } from './metrics/metrics.module';
import { ADMIN_OPTIONS, type ResolvedAdminOptions } from './options/resolve-admin-options';
import { ConsumersModule } from './consumers/consumers.module';
import { MessagesModule } from './messages/messages.module';
import { StreamsModule } from './streams/streams.module';
import { WebModule } from './web/web.module';
import { OverviewModule } from './overview/overview.module';
import { WorkersModule } from './workers/workers.module';
import { PeriodicModule } from './periodic/periodic.module';
import { JobsModule } from './jobs/jobs.module';

/** The admin app's feature modules (each a folder: its controller, service and DTOs). */
const FEATURES: DynamicModule['imports'] = [
  AuthModule,
  ConsumersModule,
  MessagesModule,
  StreamsModule,
  DeadLettersModule,
  ScheduledModule,
  AuditModule,
  WorkersModule,
  PeriodicModule,
  JobsModule,
  OverviewModule,
  MetricsModule,
  HealthModule,
  WebModule,
];

/**
 * Composition root of the admin app: the NATS connection (`JetbusModule`, no handlers, no
 * dead-letter provisioning: the app manages streams, it does not own any but the audit stream),
 * authentication, the roles guard, validation and the error mapping, then the feature modules.
 */
@Module({})
export class AdminModule implements NestModule {
  static forRoot(options: ResolvedAdminOptions): DynamicModule {
    const logger = createAdminLogger(options);
    return {
      module: AdminModule,
      global: true,
      imports: [
        JetbusModule.forRoot({
          name: 'jetbus-admin',
          servers: options.nats.servers,
          ...(options.nats.credsFile ? { credsFile: options.nats.credsFile } : {}),
          ...(options.nats.inboxPrefix ? { inboxPrefix: options.nats.inboxPrefix } : {}),
          ...(options.nats.tlsCaFile ? { tls: { caFile: options.nats.tlsCaFile } } : {}),
          deadLetter: false,
          // The app must start (and say why NATS is down on /health) rather than hang.
          maxReconnectAttempts: -1,
          logger,
        }),
        ...(FEATURES ?? []),
      ],
      providers: [
        { provide: ADMIN_OPTIONS, useValue: options },
        { provide: ADMIN_LOGGER, useValue: logger },
        AuditService,
        RefusalAudit,
        { provide: APP_GUARD, useClass: RolesGuard },
        { provide: APP_FILTER, useClass: JetbusExceptionFilter },
        {
          provide: APP_PIPE,
          useValue: new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }),
        },
      ],
      exports: [ADMIN_OPTIONS, ADMIN_LOGGER, AuditService, RefusalAudit],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(AuthenticateMiddleware).forRoutes('*path');
  }
}
