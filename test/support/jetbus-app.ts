import 'reflect-metadata';
import { type INestApplicationContext, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import pino, { type Logger } from 'pino';
import { JetbusModule, type JetbusModuleOptions, JetbusServer } from '@jetbus/core';

export interface CapturedLogs {
  logger: Logger;
  /** Every JSON log record written so far. */
  records: Record<string, unknown>[];
}

/** A pino logger writing into memory, so tests can assert what was logged. */
export function captureLogs(): CapturedLogs {
  const records: Record<string, unknown>[] = [];
  const logger = pino(
    { level: 'debug' },
    { write: (line: string) => records.push(JSON.parse(line) as Record<string, unknown>) },
  );
  return { logger, records };
}

/** Builds a Nest application context around JetbusModule and the given providers, and starts consuming. */
export async function startJetbusApp(
  options: JetbusModuleOptions,
  providers: Type[],
  { start = true, controllers = [] as Type[] } = {},
): Promise<INestApplicationContext> {
  @Module({ imports: [JetbusModule.forRoot(options)], providers, controllers })
  class TestModule {}
  const app = await NestFactory.createApplicationContext(TestModule, { logger: false, abortOnError: false });
  if (start) await app.get(JetbusServer).start();
  return app;
}

let counter = 0;
/** A stream/subject prefix unique to this test run, so tests never see each other's data. */
export const uniqueName = (prefix: string): string =>
  `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}`.toUpperCase();
