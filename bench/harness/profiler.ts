import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';

/** 200 µs: enough samples over a 1-2 s phase to rank functions, at a modest overhead. */
const SAMPLING_INTERVAL_US = 200;

/**
 * A V8 CPU profile of one section of this process, through the inspector protocol: the same data
 * as `node --cpu-prof`, but covering only the timed phase rather than boot and the other phases.
 */
export class SectionProfiler {
  private readonly session = new Session();

  async start(): Promise<void> {
    this.session.connect();
    await this.session.post('Profiler.enable');
    await this.session.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
    await this.session.post('Profiler.start');
  }

  /** Stops and writes a `.cpuprofile` (open it in Chrome DevTools or summarize it with the bench). */
  async stop(file: string): Promise<void> {
    const { profile } = await this.session.post('Profiler.stop');
    await this.session.post('Profiler.disable');
    this.session.disconnect();
    await writeFile(file, JSON.stringify(profile));
  }
}
