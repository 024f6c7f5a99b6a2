import { ChildWorker } from './child-worker';
import { sleep } from './wait-for';

/**
 * Keeps `size` worker processes of one fixture alive: a supervisor restarts whichever died (killed
 * by the test, or by a poison job) and counts the restarts. `stop()` ends supervision and kills
 * every worker.
 */
export class WorkerFleet {
  /** Workers restarted after they died. */
  restarts = 0;
  private readonly slots: (ChildWorker | undefined)[] = [];
  private supervising = false;
  private supervisor?: Promise<void>;

  constructor(
    private readonly fixture: string,
    private readonly size: number,
    private readonly env: Record<string, string>,
  ) {}

  /** Starts every worker (each READY), then supervises. */
  async start(): Promise<void> {
    for (let i = 0; i < this.size; i++) this.slots[i] = await ChildWorker.start(this.fixture, this.env);
    this.supervising = true;
    this.supervisor = this.supervise();
  }

  /** The workers running now. */
  live(): ChildWorker[] {
    return this.slots.filter((w): w is ChildWorker => !!w && isAlive(w));
  }

  /** kill -9 of one running worker, chosen by `random`. */
  async crashOne(random: () => number = Math.random): Promise<void> {
    const live = this.live();
    await live[Math.floor(random() * live.length)]?.crash();
  }

  /** Stops restarting workers and kills them all. Idempotent. */
  async stop(): Promise<void> {
    this.supervising = false;
    await this.supervisor;
    await Promise.all(this.slots.map((w) => w?.crash()));
  }

  private async supervise(): Promise<void> {
    while (this.supervising) {
      for (let i = 0; i < this.size && this.supervising; i++) {
        const w = this.slots[i];
        if (w && isAlive(w)) continue;
        this.slots[i] = await ChildWorker.start(this.fixture, this.env).catch(() => undefined);
        this.restarts++;
      }
      await sleep(50);
    }
  }
}

const isAlive = (w: ChildWorker): boolean => w.child.exitCode === null && w.child.signalCode === null;
