import {
  type CallHandler,
  type CanActivate,
  Controller,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Module } from '@nestjs/common';
import { type Observable, tap } from 'rxjs';
import {
  Ctx,
  type JetbusContext,
  JetbusClient,
  JetbusConnection,
  JetbusModule,
  JetbusServer,
  JobHandler,
  NonRetryableError,
  Payload,
} from '@jetbus/core';
import { NatsServer } from '@jetbus/testing';
import { readDeadLetters } from '../support/dead-letters';
import { sleep, waitFor } from '../support/wait-for';

const seen: { id: string; subject: string; via: string[] }[] = [];
const trail: string[] = [];

@Injectable()
class TenantGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    trail.push(`guard:${context.getType()}`);
    return true;
  }
}

@Injectable()
class TimingInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    trail.push('interceptor:before');
    return next.handle().pipe(tap(() => trail.push('interceptor:after')));
  }
}

/** Refuses every job: `false` (Nest then throws ForbiddenException), or a NonRetryableError. */
@Injectable()
class ClosedGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const job = context.switchToRpc().getData<{ id: string; how: 'false' | 'non-retryable' }>();
    trail.push(`closed:${job.id}`);
    if (job.how === 'non-retryable') throw new NonRetryableError('tenant suspended');
    return false;
  }
}

@Controller()
class AuditController {
  @UseGuards(ClosedGuard)
  @JobHandler('audit.refused', { maxAttempts: 2, backoff: { type: 'fixed', delay: '100ms' } })
  refused(): void {
    trail.push('refused handler ran');
  }

  @UseGuards(TenantGuard)
  @UseInterceptors(TimingInterceptor)
  @JobHandler('audit.recorded')
  record(@Payload() e: { id: string }, @Ctx() ctx: JetbusContext): void {
    trail.push('handler');
    seen.push({ id: e.id, subject: ctx.subject, via: [] });
  }
}

@Module({
  imports: [
    JetbusModule.forRootAsync({
      useFactory: () => ({
        servers: process.env.TEST_NATS_URL!,
        name: 'audit',
        logger: process.env.DEBUG_JETBUS ? undefined : false,
        streams: [{ name: 'AUDIT', subjects: ['audit.>'] }],
      }),
    }),
  ],
  controllers: [AuditController],
  providers: [TenantGuard, TimingInterceptor, ClosedGuard],
})
class AuditModule {}

describe('@JobHandler on a controller, connected the Nest way', () => {
  let server: NatsServer;

  beforeAll(async () => {
    server = await NatsServer.start();
    process.env.TEST_NATS_URL = server.url;
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('runs through connectMicroservice with guards and interceptors applied', async () => {
    const app = await NestFactory.create(AuditModule, { logger: false, abortOnError: false });
    app.connectMicroservice({ strategy: app.get(JetbusServer) });
    await app.startAllMicroservices();
    await app.init();
    try {
      await app.get(JetbusClient).publish('audit.recorded', { id: 'e1' });
      await waitFor('handled', () => seen.length === 1 && trail.includes('interceptor:after'), 10_000).catch(
        (e: Error) => {
          throw new Error(`${e.message}; trail=${JSON.stringify(trail)} seen=${JSON.stringify(seen)}`);
        },
      );
      expect(seen[0]).toMatchObject({ id: 'e1', subject: 'audit.recorded' });
      expect(trail).toEqual(['guard:rpc', 'interceptor:before', 'handler', 'interceptor:after']);

      // A guard that refuses fails the attempt like a handler error: retried, then dead-lettered as
      // Nest's ForbiddenException; one that throws NonRetryableError dead-letters at once.
      const bus = app.get(JetbusClient);
      await bus.publish('audit.refused', { id: 'r1', how: 'false' });
      await bus.publish('audit.refused', { id: 'r2', how: 'non-retryable' });
      const jsm = app.get(JetbusConnection).jsm;
      await waitFor('both dead-lettered', async () => (await readDeadLetters(jsm)).length === 2, 10_000);
      await sleep(300);
      const dead = await readDeadLetters(jsm);
      const byId = (id: string) => dead.find((d) => d.body.includes(`"${id}"`))!;
      expect(byId('r1')).toMatchObject({ reason: 'error', errorClass: 'ForbiddenException', attempts: 2 });
      expect(byId('r2')).toMatchObject({ reason: 'error', errorClass: 'NonRetryableError', attempts: 1 });
      expect(trail.filter((e) => e === 'closed:r1')).toHaveLength(2);
      expect(trail.filter((e) => e === 'closed:r2')).toHaveLength(1);
      expect(trail).not.toContain('refused handler ran');
    } finally {
      await app.close();
    }
  });
});
