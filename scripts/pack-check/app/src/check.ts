// The app scripts/pack-check.mjs installs from the packed tarballs, once as CommonJS and once as an
// ES module (the same source): a @JobHandler end to end on a real nats-server that @jetbus/testing
// starts on a free loopback port, then `npx jetbus` in the app's own directory; @jetbus/auth loads.
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { Injectable, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { IsInt, Min } from 'class-validator';
import {
  Ctx,
  JetbusClient,
  JetbusContext,
  JetbusModule,
  JetbusServer,
  JobHandler,
  Payload,
} from '@jetbus/core';
import { DEFAULT_AUTH_DIR, validatePolicy } from '@jetbus/auth';
import { NatsServer } from '@jetbus/testing';
import { type AdminOptions, type AdminServer, startAdmin } from '@jetbus/admin';

// @jetbus/admin's public types name express and express-session types: they must come with it, so
// an app that embeds the admin app type-checks without skipLibCheck (this tsconfig has it off).
export const embedAdmin: (options: AdminOptions) => Promise<AdminServer> = startAdmin;

const JOBS = 20;
const STREAM = 'PACKCHECK';

export class Job {
  @IsInt() @Min(0) n!: number;
}

@Injectable()
export class Jobs {
  readonly seen = new Map<number, number>();
  private allSeen!: () => void;
  readonly done = new Promise<void>((resolve) => (this.allSeen = resolve));

  @JobHandler('packcheck.jobs', { concurrency: 4 })
  async handle(@Payload() job: Job, @Ctx() ctx: JetbusContext): Promise<void> {
    // The DTO was validated and transformed: the decorator metadata survived compilation.
    if (!(job instanceof Job)) throw new Error(`payload is not a Job instance: ${JSON.stringify(job)}`);
    if (ctx.stream !== STREAM) throw new Error(`delivered from ${ctx.stream}`);
    this.seen.set(job.n, (this.seen.get(job.n) ?? 0) + 1);
    if (this.seen.size === JOBS) this.allSeen();
  }
}

function appModule(servers: string): Type<unknown> {
  @Module({
    imports: [
      JetbusModule.forRoot({
        servers,
        name: 'packcheck',
        streams: [{ name: STREAM, subjects: ['packcheck.>'], retention: 'workqueue' }],
        logger: false,
      }),
    ],
    providers: [Jobs],
  })
  class AppModule {}
  return AppModule;
}

function fail(message: string): never {
  throw new Error(message);
}

async function main(): Promise<void> {
  // @jetbus/auth loads too (its named exports, from CommonJS or ESM).
  if (typeof DEFAULT_AUTH_DIR !== 'string' || typeof validatePolicy !== 'function')
    fail('@jetbus/auth exports');
  const server = await NatsServer.start();
  try {
    const app = await NestFactory.createApplicationContext(appModule(server.url), { logger: false });
    await app.get(JetbusServer).start();
    const bus = app.get(JetbusClient);
    for (let n = 0; n < JOBS; n++) await bus.publish('packcheck.jobs', { n }, { msgId: `job-${n}` });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`handled ${app.get(Jobs).seen.size}/${JOBS} jobs in 20 s`)),
        20_000,
      );
    });
    await Promise.race([app.get(Jobs).done, late]).finally(() => clearTimeout(timer));
    await app.close();
    const twice = [...app.get(Jobs).seen].filter(([, count]) => count !== 1);
    if (twice.length) fail(`jobs handled more than once: ${JSON.stringify(twice)}`);

    // The CLI as a user runs it: npx finds the bin of @jetbus/cli in this app's node_modules.
    const cli = (...args: string[]) =>
      execFileSync('npx', ['--no-install', 'jetbus', ...args], { encoding: 'utf8' });
    const version = cli('--version').trim();
    const streams = JSON.parse(cli('streams', 'ls', '--server', server.url, '--json')) as {
      name: string;
      messages: number;
    }[];
    const stream =
      streams.find((s) => s.name === STREAM) ??
      fail(`streams ls lists no ${STREAM}: ${JSON.stringify(streams)}`);
    if (stream.messages !== 0) fail(`${STREAM} keeps ${stream.messages} messages after every job was acked`);
    console.log(
      `handled ${JOBS}/${JOBS} jobs once each; npx jetbus ${version}: streams ls lists ${STREAM} (0 messages)`,
    );
  } finally {
    await server.stop();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
  },
);
