import {
  type ArgumentMetadata,
  type CallHandler,
  type CanActivate,
  Controller,
  type ExecutionContext,
  type INestApplicationContext,
  Injectable,
  Module,
  type NestInterceptor,
  type PipeTransform,
  type Provider,
  type Type,
  UseGuards,
  UseInterceptors,
  UsePipes,
} from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR, APP_PIPE, NestFactory } from '@nestjs/core';
import { type Observable, of } from 'rxjs';
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
import { type CapturedLogs, captureLogs } from '../support/jetbus-app';
import { waitFor } from '../support/wait-for';

/**
 * The Nest fast path of HandlerInvokerFactory: a handler no guard, interceptor or pipe applies to
 * is called directly with the arguments @Payload()/@Ctx() produce; one that has any, at any level
 * (global through useGlobal* or APP_* providers, class, method, parameter), still runs through
 * Nest. Which path a handler took is read from the debug line the factory logs when the server
 * starts; that the enhancers ran is read from what they record. ~10 s (five apps, five servers).
 */

/** What enhancers and handlers did, in order: `kind:handler`. */
const trail: string[] = [];
/** The arguments each handler received, by handler method name. */
const calls = new Map<string, unknown[]>();

const handlerOf = (context: ExecutionContext): string => context.getHandler().name;

@Injectable()
class RecordingGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    trail.push(`guard:${handlerOf(context)}`);
    return true;
  }
}

@Injectable()
class RecordingInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    trail.push(`interceptor:${handlerOf(context)}`);
    return next.handle();
  }
}

@Injectable()
class RecordingPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    trail.push(`pipe:${String(metadata.type)}`);
    return value;
  }
}

/** A parameter pipe whose effect the handler sees. */
@Injectable()
class TagPipe implements PipeTransform {
  transform(value: unknown): unknown {
    trail.push('pipe:param');
    return { ...(value as object), tagged: true };
  }
}

interface OrderJob {
  order: { id: string };
  n: number;
}

const JOB: OrderJob = { order: { id: 'o-1' }, n: 7 };

/** Handlers with no enhancer of their own: fast unless something global applies. */
@Injectable()
class PlainHandlers {
  @JobHandler('fp.scoped')
  scoped(
    @Ctx() ctx: JetbusContext,
    @Payload('order') order: OrderJob['order'],
    unmarked: unknown,
    @Payload() whole: OrderJob,
  ): void {
    calls.set('scoped', [ctx.subject, order, unmarked, whole]);
    trail.push('handler:scoped');
  }

  @JobHandler('fp.bare')
  bare(payload: OrderJob, ctx: JetbusContext): Observable<string> {
    calls.set('bare', [payload, ctx.subject]);
    trail.push('handler:bare');
    // Nest resolves an Observable result with lastValueFrom; the direct call must too.
    return of('done');
  }
}

@UseGuards(RecordingGuard)
@Injectable()
class ClassGuarded {
  @JobHandler('fp.class-guard')
  classGuard(@Payload() job: OrderJob): void {
    calls.set('classGuard', [job]);
  }
}

@UseInterceptors(RecordingInterceptor)
@Injectable()
class ClassIntercepted {
  @JobHandler('fp.class-interceptor')
  classInterceptor(@Payload() job: OrderJob): void {
    calls.set('classInterceptor', [job]);
  }
}

@UsePipes(RecordingPipe)
@Injectable()
class ClassPiped {
  @JobHandler('fp.class-pipe')
  classPipe(@Payload() job: OrderJob): void {
    calls.set('classPipe', [job]);
  }
}

@Controller()
class MethodEnhanced {
  @UseGuards(RecordingGuard)
  @JobHandler('fp.method-guard')
  methodGuard(@Payload() job: OrderJob): void {
    calls.set('methodGuard', [job]);
  }

  @UseInterceptors(RecordingInterceptor)
  @JobHandler('fp.method-interceptor')
  methodInterceptor(@Payload() job: OrderJob): void {
    calls.set('methodInterceptor', [job]);
  }

  @UsePipes(RecordingPipe)
  @JobHandler('fp.method-pipe')
  methodPipe(@Payload() job: OrderJob): void {
    calls.set('methodPipe', [job]);
  }

  @JobHandler('fp.param-pipe')
  paramPipe(@Payload(TagPipe) job: OrderJob): void {
    calls.set('paramPipe', [job]);
  }
}

const ENHANCERS = [RecordingGuard, RecordingInterceptor, RecordingPipe, TagPipe];

interface Started {
  app: INestApplicationContext;
  logs: CapturedLogs;
  server: NatsServer;
}

type Boot = 'context' | 'hybrid' | 'hybrid-inherit';

/** Starts a fresh nats-server and an app around `hosts`, the Nest way `boot` names. */
async function start(
  hosts: { providers?: Type[]; controllers?: Type[]; extra?: Provider[] },
  boot: Boot,
  configure: (target: {
    useGlobalGuards(...g: CanActivate[]): unknown;
    useGlobalInterceptors(...i: NestInterceptor[]): unknown;
    useGlobalPipes(...p: PipeTransform[]): unknown;
  }) => void = () => undefined,
): Promise<Started> {
  const server = await NatsServer.start();
  const logs = captureLogs();
  @Module({
    imports: [
      JetbusModule.forRoot({
        servers: server.url,
        name: 'fast-path',
        logger: logs.logger,
        streams: [{ name: 'FP', subjects: ['fp.>'] }],
      }),
    ],
    providers: [...ENHANCERS, ...(hosts.providers ?? []), ...(hosts.extra ?? [])],
    controllers: hosts.controllers ?? [],
  })
  class FastPathModule {}
  try {
    if (boot === 'context') {
      const app = await NestFactory.createApplicationContext(FastPathModule, {
        logger: false,
        abortOnError: false,
      });
      await app.get(JetbusServer).start();
      return { app, logs, server };
    }
    const app = await NestFactory.create(FastPathModule, { logger: false, abortOnError: false });
    const microservice = app.connectMicroservice(
      { strategy: app.get(JetbusServer) },
      { inheritAppConfig: boot === 'hybrid-inherit' },
    );
    configure(boot === 'hybrid-inherit' ? microservice : app);
    await app.startAllMicroservices();
    await app.init();
    return { app, logs, server };
  } catch (e) {
    await server.stop();
    throw e;
  }
}

async function stop(s: Started | undefined): Promise<void> {
  await s?.app.close();
  await s?.server.stop();
}

/** Whether the factory logged that `name`'s handler runs through Nest's pipeline. */
function nestPipeline(logs: CapturedLogs, name: string): boolean {
  const line = logs.records.find((r) => r.handler === name && typeof r.nestPipeline === 'boolean');
  if (!line) throw new Error(`no pipeline line for ${name}: ${JSON.stringify(logs.records.slice(0, 20))}`);
  return line.nestPipeline as boolean;
}

async function publishAndWait(app: INestApplicationContext, handlers: string[]): Promise<void> {
  const bus = app.get(JetbusClient);
  for (const h of handlers) await bus.publish(`fp.${subjectOf(h)}`, JOB);
  await waitFor(`${handlers.join(', ')} handled`, () => handlers.every((h) => calls.has(h)), 15_000);
}

/** `methodGuard` → `method-guard`. */
const subjectOf = (handler: string): string => handler.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

beforeEach(() => {
  trail.length = 0;
  calls.clear();
});

describe('Nest fast path of @JobHandler', () => {
  let started: Started | undefined;
  afterEach(async () => {
    await stop(started);
    started = undefined;
  });

  it('calls a handler without guards, interceptors or pipes directly, with @Payload/@Ctx arguments in order', async () => {
    started = await start({ providers: [PlainHandlers] }, 'context');
    expect(nestPipeline(started.logs, 'PlainHandlers.scoped')).toBe(false);
    expect(nestPipeline(started.logs, 'PlainHandlers.bare')).toBe(false);
    await publishAndWait(started.app, ['scoped', 'bare']);
    expect(calls.get('scoped')).toEqual(['fp.scoped', { id: 'o-1' }, undefined, JOB]);
    expect(calls.get('scoped')).toHaveLength(4);
    expect(calls.get('bare')).toEqual([JOB, 'fp.bare']);
    expect(trail.filter((t) => !t.startsWith('handler:'))).toEqual([]);
  });

  it('keeps Nest for a guard, interceptor or pipe on the class, the method or a parameter, and runs it', async () => {
    started = await start(
      {
        providers: [PlainHandlers, ClassGuarded, ClassIntercepted, ClassPiped],
        controllers: [MethodEnhanced],
      },
      'context',
    );
    const enhanced: [string, string, string][] = [
      ['ClassGuarded', 'classGuard', 'guard:classGuard'],
      ['ClassIntercepted', 'classInterceptor', 'interceptor:classInterceptor'],
      ['ClassPiped', 'classPipe', 'pipe:body'],
      ['MethodEnhanced', 'methodGuard', 'guard:methodGuard'],
      ['MethodEnhanced', 'methodInterceptor', 'interceptor:methodInterceptor'],
      ['MethodEnhanced', 'methodPipe', 'pipe:body'],
      ['MethodEnhanced', 'paramPipe', 'pipe:param'],
    ];
    for (const [host, method] of enhanced)
      expect([method, nestPipeline(started.logs, `${host}.${method}`)]).toEqual([method, true]);
    // In the same app, the handlers without enhancers still take the fast path.
    expect(nestPipeline(started.logs, 'PlainHandlers.scoped')).toBe(false);

    for (const [, method, mark] of enhanced) {
      trail.length = 0;
      await publishAndWait(started.app, [method]);
      expect([method, trail]).toEqual([method, [mark]]);
    }
    expect(calls.get('paramPipe')).toEqual([{ ...JOB, tagged: true }]);
  });

  it.each([
    ['APP_GUARD', { provide: APP_GUARD, useClass: RecordingGuard }, 'guard:scoped'],
    ['APP_INTERCEPTOR', { provide: APP_INTERCEPTOR, useClass: RecordingInterceptor }, 'interceptor:scoped'],
    ['APP_PIPE', { provide: APP_PIPE, useClass: RecordingPipe }, 'pipe:body'],
  ])(
    'keeps Nest when an %s provider applies, with the same arguments as the fast path',
    async (_, provider, mark) => {
      started = await start({ providers: [PlainHandlers], extra: [provider] }, 'context');
      expect(nestPipeline(started.logs, 'PlainHandlers.scoped')).toBe(true);
      await publishAndWait(started.app, ['scoped']);
      expect(trail).toContain(mark);
      expect(trail.at(-1)).toBe('handler:scoped');
      expect(calls.get('scoped')).toEqual(['fp.scoped', { id: 'o-1' }, undefined, JOB]);
    },
  );

  it.each<[Boot, string]>([
    ['hybrid', 'app.useGlobal* on the HTTP application'],
    ['hybrid-inherit', 'useGlobal* on the microservice (inheritAppConfig)'],
  ])('keeps Nest for global enhancers (%s: %s) and runs them', async (boot) => {
    started = await start({ providers: [PlainHandlers] }, boot, (target) => {
      target.useGlobalGuards(new RecordingGuard());
      target.useGlobalInterceptors(new RecordingInterceptor());
      target.useGlobalPipes(new RecordingPipe());
    });
    expect(nestPipeline(started.logs, 'PlainHandlers.scoped')).toBe(true);
    await publishAndWait(started.app, ['bare', 'scoped']);
    expect(trail.filter((t) => t.endsWith(':scoped') || t === 'pipe:body')).toEqual([
      'guard:scoped',
      'interceptor:scoped',
      // One per @Payload parameter (the pipe sees `body` metadata for a payload).
      'pipe:body',
      'pipe:body',
      'handler:scoped',
    ]);
    expect(calls.get('scoped')).toEqual(['fp.scoped', { id: 'o-1' }, undefined, JOB]);
    expect(calls.get('bare')).toEqual([JOB, 'fp.bare']);
  });
});
