import { Injectable } from '@nestjs/common';
import {
  HEARTBEAT_TTL_INTERVALS,
  JetbusConnection,
  WORKERS_BUCKET,
  isStreamNotFound,
  listWorkers,
} from '@jetbus/core';
import { type WorkerDto } from './dto/worker.dto';

/** A worker is stale after this many intervals without a heartbeat (one late write is not news). */
export const STALE_INTERVALS = 2;
/** Core's default `heartbeat.interval`, for when the bucket does not exist yet. */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 5_000;

/** The live worker processes, read from their heartbeats (`listWorkers` of @jetbus/core). */
@Injectable()
export class WorkersService {
  constructor(private readonly connection: JetbusConnection) {}

  async list(now = Date.now()): Promise<{ workers: WorkerDto[]; intervalMs: number }> {
    const [heartbeats, intervalMs] = await Promise.all([listWorkers(this.connection), this.intervalMs()]);
    const workers = heartbeats.map((h) => {
      const ageMs = Math.max(0, now - Date.parse(h.at));
      return { ...h, ageMs, stale: ageMs > STALE_INTERVALS * intervalMs };
    });
    return { workers, intervalMs };
  }

  /** The heartbeat interval, read back from the bucket's TTL (no process tells it otherwise). */
  private async intervalMs(): Promise<number> {
    try {
      const { config } = await this.connection.jsm.streams.info(`KV_${WORKERS_BUCKET}`);
      return config.max_age > 0
        ? Math.round(config.max_age / 1e6 / HEARTBEAT_TTL_INTERVALS)
        : DEFAULT_HEARTBEAT_INTERVAL_MS;
    } catch (e) {
      if (isStreamNotFound(e)) return DEFAULT_HEARTBEAT_INTERVAL_MS;
      throw e;
    }
  }
}
