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
  JetbusModule,
  JetbusServer,
  JobHandler,
  Payload,
} from '@jetbus/core';
import { NatsServer } from '@jetbus/testing';
import { waitFor } from '../support/wait-for';

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

@Controller()
class AuditController {
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
  providers: [TenantGuard, TimingInterceptor],
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
    } finally {
      await app.close();
    }
  });
});
