import { type ContenderParams, type ContenderResult, parseContenderParams } from '../protocol';
import { type BenchDriver } from './bench-driver';
import { JobSink } from './job-sink';
import { runPhases } from './run-phases';
import { runSoakWorker } from './run-soak-worker';

export type DriverFactory = (params: ContenderParams, sink: JobSink) => BenchDriver;

/**
 * The main of a contender process: reads the params argument, runs the phases (or the soak), and
 * writes the result as the only line on stdout. Exits explicitly, so a handle some library leaves
 * open cannot keep the bench waiting.
 */
export function runContenderProcess(createDriver: DriverFactory): void {
  const run = async (): Promise<ContenderResult> => {
    const params = parseContenderParams(process.argv[2]);
    const sink = new JobSink();
    const driver = createDriver(params, sink);
    return params.soak ? runSoakWorker(driver, sink, params, params.soak) : runPhases(driver, sink, params);
  };
  run().then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0)),
    (err: unknown) => {
      process.stderr.write(
        `contender failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
      process.exit(1);
    },
  );
}
