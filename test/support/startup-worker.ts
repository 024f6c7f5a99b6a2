import { type INestApplicationContext, Injectable } from '@nestjs/common';
import { JetbusClient, JobHandler, Payload } from '@jetbus/core';
import { type CapturedLogs, captureLogs, startJetbusApp } from './jetbus-app';
import { RequestFaultProxy } from './request-fault-proxy';
import { useNats } from './use-jetbus';
import { waitFor } from './wait-for';

/*
 * A worker module with every feature whose startup makes a JetStream request (a handler found by
 * subject, priority and fairness lanes, delayed jobs and their release consumers, cancellation, a
 * periodic schedule, the dead-letter reaper), connected to a real nats-server through a
 * RequestFaultProxy, so a test can fault any one of those requests.
 */

export const STARTUP_STREAM = 'BOOT';
const ran = new Set<string>();

@Injectable()
class StartupJobs {
  // No `stream`: found by subject at startup.
  @JobHandler('boot.plain', { durable: 'boot-plain' })
  plain(@Payload() job: { id: string }): void {
    ran.add(job.id);
  }

  @JobHandler('boot.prio', { durable: 'boot-prio', stream: STARTUP_STREAM, priorities: true })
  prio(): void {}

  @JobHandler('boot.fair', {
    durable: 'boot-fair',
    stream: STARTUP_STREAM,
    fairness: { discoverEvery: '1s' },
  })
  fair(): void {}
}

/** One request of the worker's startup: how to single it out, and the step a failure names. */
export interface StartupPath {
  what: string;
  /** Subject pattern of the request. */
  pattern: string;
  /** Requests on the pattern let through first (an earlier request on the same subject). */
  skip?: number;
  step: string;
}

/** The JetStream API requests `JetbusServer.start()` makes for the module above. */
export const STARTUP_PATHS: StartupPath[] = [
  {
    what: 'finding the stream of a handler by subject',
    pattern: '$JS.API.STREAM.NAMES',
    step: 'find the stream of subject boot.plain',
  },
  {
    what: "binding a handler's consumer",
    pattern: '$JS.API.CONSUMER.INFO.BOOT.boot-plain',
    skip: 1, // provisioning's consumer info
    step: 'bind consumer BOOT/boot-plain',
  },
  {
    what: "reading a lane handler's stream",
    pattern: '$JS.API.STREAM.INFO.BOOT',
    step: 'stream info BOOT',
  },
  {
    what: 'binding a priority lane',
    pattern: '$JS.API.CONSUMER.INFO.BOOT.boot-prio_prio_high',
    skip: 1,
    step: 'bind consumer BOOT/boot-prio_prio_high',
  },
  {
    what: 'binding the ungrouped fairness lane',
    pattern: '$JS.API.CONSUMER.INFO.BOOT.boot-fair',
    skip: 1,
    step: 'bind consumer BOOT/boot-fair',
  },
  {
    what: 'the first fairness group discovery',
    pattern: '$JS.API.STREAM.INFO.BOOT',
    skip: 2, // the two lane handlers' stream checks
    step: 'discover the fairness groups of BOOT/boot-fair',
  },
  {
    what: 'opening the cancellation bucket',
    pattern: '$JS.API.STREAM.INFO.KV_JETBUS_CANCELLED',
    step: 'open KV bucket JETBUS_CANCELLED',
  },
  {
    what: 'opening the periodic bucket',
    pattern: '$JS.API.STREAM.INFO.KV_JETBUS_PERIODIC',
    step: 'open KV bucket JETBUS_PERIODIC',
  },
  {
    what: "the release consumer's info",
    pattern: '$JS.API.CONSUMER.INFO.JETBUS_SCHEDULED.jetbus-release_boot-plain',
    step: 'consumer info JETBUS_SCHEDULED/jetbus-release_boot-plain',
  },
  {
    what: 'binding the release consumer',
    pattern: '$JS.API.CONSUMER.INFO.JETBUS_SCHEDULED.jetbus-release_boot-plain',
    skip: 1,
    step: 'bind consumer JETBUS_SCHEDULED/jetbus-release_boot-plain',
  },
  {
    what: "binding the reaper's consumer",
    pattern: '$JS.API.CONSUMER.INFO.JETBUS_ADVISORIES.jetbus-reaper_BOOT',
    skip: 1,
    step: 'bind consumer JETBUS_ADVISORIES/jetbus-reaper_BOOT',
  },
];

export interface StartupWorkerFixture {
  readonly proxy: RequestFaultProxy;
  /** The logs of the last worker. */
  readonly logs: CapturedLogs;
  /**
   * A new worker app: connected and its streams ensured through the proxy, not started; the proxy's
   * rules and request log are cleared once it is up. Closed after the test.
   */
  worker(): Promise<INestApplicationContext>;
  /** Publishes a job through the started worker and waits for it to run. */
  runsAJob(started: INestApplicationContext): Promise<void>;
  /** The worker logged the warning `whileElecting` logs when `step` went unanswered. */
  waitedFor(step: string): boolean;
}

/** A nats-server, a RequestFaultProxy in front of it, and a worker per test. Call it in a `describe`. */
export function useStartupWorker(): StartupWorkerFixture {
  const nats = useNats();
  let proxy: RequestFaultProxy | undefined;
  let app: INestApplicationContext | undefined;
  let logs = captureLogs();
  beforeAll(async () => {
    proxy = await RequestFaultProxy.start(nats.server.port);
  });
  afterEach(async () => {
    proxy?.reset();
    await app?.close();
    app = undefined;
  });
  afterAll(async () => {
    await proxy?.close();
  });
  const ready = () => {
    if (!proxy) throw new Error('the proxy is used before beforeAll ran');
    return proxy;
  };
  return {
    get proxy() {
      return ready();
    },
    get logs() {
      return logs;
    },
    async worker() {
      logs = captureLogs();
      app = await startJetbusApp(
        {
          servers: ready().url,
          name: 'boot',
          logger: logs.logger,
          streams: [{ name: STARTUP_STREAM, subjects: ['boot.>'], retention: 'workqueue' }],
          scheduling: {},
          cancellation: true,
          // 1 January only: no tick fires while a test runs.
          periodic: [{ name: 'boot-tick', cron: '0 0 1 1 *', subject: 'boot.plain' }],
          heartbeat: false,
          shutdownGracePeriod: 0,
        },
        [StartupJobs],
        { start: false },
      );
      ready().reset();
      return app;
    },
    async runsAJob(started) {
      const id = `job-${ran.size}-${Date.now()}`;
      await started.get(JetbusClient).publish('boot.plain', { id }, { msgId: id });
      await waitFor(`job ${id} to run`, () => ran.has(id), 15_000);
    },
    waitedFor: (step) =>
      logs.records.some((r) => r.what === step && /does not answer yet/.test(String(r.msg))),
  };
}
