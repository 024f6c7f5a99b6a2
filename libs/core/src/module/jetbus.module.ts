import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { type Logger } from 'pino';
import { JetbusClient } from '../client/jetbus.client';
import { JetbusClientProxy } from '../client/jetbus-client.proxy';
import { JETBUS_LOGGER, JETBUS_MODULE_OPTIONS } from '../constants';
import { DeadLetterSink, LogDeadLetterSink, StreamDeadLetterSink } from '../dead-letter';
import { HandlerInvokerFactory } from '../handlers/handler-invoker.factory';
import { JobHandlerExplorer } from '../handlers/job-handler.explorer';
import { JetbusMetrics } from '../observability/jetbus-metrics';
import { createJetbusLogger, silentLogger } from '../observability/logger';
import { ensureStreams } from '../provisioning';
import { JetbusServer } from '../server/jetbus.server';
import { type JetbusModuleAsyncOptions, type JetbusModuleOptions } from '../options/jetbus-module.options';
import { JetbusConnection } from '../connection/jetbus.connection';
import { JetbusLifecycle } from './jetbus.lifecycle';
import { type ResolvedModuleOptions, resolveModuleOptions } from '../options/resolve-module-options';

const RAW_OPTIONS = Symbol('JETBUS_RAW_OPTIONS');

/**
 * Connects to NATS, ensures the declared streams, and provides `JetbusClient`, `JetbusClientProxy`
 * and `JetbusServer`. Global: import it once in the root module.
 */
@Module({})
export class JetbusModule {
  static forRoot(options: JetbusModuleOptions): DynamicModule {
    return JetbusModule.build({ provide: RAW_OPTIONS, useValue: options }, []);
  }

  static forRootAsync(options: JetbusModuleAsyncOptions): DynamicModule {
    return JetbusModule.build(
      { provide: RAW_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] },
      options.imports ?? [],
    );
  }

  private static build(rawOptions: Provider, imports: DynamicModule['imports']): DynamicModule {
    return {
      module: JetbusModule,
      global: true,
      imports: [DiscoveryModule, ...(imports ?? [])],
      providers: [
        rawOptions,
        { provide: JETBUS_MODULE_OPTIONS, useFactory: resolveModuleOptions, inject: [RAW_OPTIONS] },
        {
          provide: JETBUS_LOGGER,
          useFactory: (o: ResolvedModuleOptions): Logger =>
            o.logger === false ? silentLogger() : (o.logger ?? createJetbusLogger(`jetbus:${o.name}`)),
          inject: [JETBUS_MODULE_OPTIONS],
        },
        {
          provide: JetbusConnection,
          useFactory: async (o: ResolvedModuleOptions, logger: Logger) => {
            const connection = await JetbusConnection.open(o, logger);
            try {
              await ensureStreams(connection.jsm, o.streams, logger);
              if (o.deadLetter) {
                const own = [
                  o.deadLetter.stream,
                  ...(o.deadLetter.reaper ? [o.deadLetter.reaper.stream] : []),
                ];
                await ensureStreams(connection.jsm, own, logger, 'deadLetter');
              }
              if (o.scheduling)
                await ensureStreams(connection.jsm, [o.scheduling.stream], logger, 'scheduling');
            } catch (e) {
              await connection.close();
              throw e;
            }
            return connection;
          },
          inject: [JETBUS_MODULE_OPTIONS, JETBUS_LOGGER],
        },
        {
          provide: JetbusMetrics,
          useFactory: (o: ResolvedModuleOptions) => new JetbusMetrics(o.metricsRegistry),
          inject: [JETBUS_MODULE_OPTIONS],
        },
        {
          provide: JetbusClient,
          useFactory: (
            c: JetbusConnection,
            o: ResolvedModuleOptions,
            logger: Logger,
            metrics: JetbusMetrics,
          ) =>
            new JetbusClient(
              c,
              {
                codec: o.codec,
                publishTimeoutMs: o.publishTimeoutMs,
                publishWindow: o.publishWindow,
                encryption: o.encryption,
                ...(o.scheduling ? { schedulingStream: o.scheduling.stream.name } : {}),
                cancellation: o.cancellation,
              },
              logger,
              metrics,
            ),
          inject: [JetbusConnection, JETBUS_MODULE_OPTIONS, JETBUS_LOGGER, JetbusMetrics],
        },
        {
          provide: JetbusClientProxy,
          useFactory: (client: JetbusClient, c: JetbusConnection) => new JetbusClientProxy(client, c.nc),
          inject: [JetbusClient, JetbusConnection],
        },
        {
          provide: DeadLetterSink,
          useFactory: (c: JetbusConnection, o: ResolvedModuleOptions, logger: Logger): DeadLetterSink =>
            o.deadLetter
              ? new StreamDeadLetterSink(
                  c.js,
                  {
                    stream: o.deadLetter.stream.name,
                    subjectPrefix: o.deadLetter.subjectPrefix,
                    publishTimeoutMs: o.publishTimeoutMs,
                    maxPayload: c.maxPayload,
                    onDeadLetter: o.deadLetter.onDeadLetter,
                  },
                  logger,
                )
              : new LogDeadLetterSink(logger),
          inject: [JetbusConnection, JETBUS_MODULE_OPTIONS, JETBUS_LOGGER],
        },
        JobHandlerExplorer,
        HandlerInvokerFactory,
        JetbusServer,
        JetbusLifecycle,
      ],
      exports: [
        JetbusClient,
        JetbusClientProxy,
        JetbusServer,
        JetbusConnection,
        JetbusMetrics,
        JETBUS_MODULE_OPTIONS,
        JETBUS_LOGGER,
      ],
    };
  }
}
