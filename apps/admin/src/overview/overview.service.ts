import { Inject, Injectable } from '@nestjs/common';
import { JetbusConnection, type WorkerHeartbeat } from '@jetbus/core';
import { ADMIN_OPTIONS, type ResolvedAdminOptions } from '../options/resolve-admin-options';
import { WorkersService } from '../workers/workers.service';
import { type OverviewDto } from './dto/overview.dto';
import { handlerTotals } from './handler-totals';

/** Every item of a paged JetStream listing (`next()` alone is only its first page). */
async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** The overview and the live workers it was computed from (what the metrics sampler records). */
export interface ClusterState {
  overview: OverviewDto;
  workers: WorkerHeartbeat[];
}

/** Totals over every stream, consumer and live worker: the dashboard's first screen. */
@Injectable()
export class OverviewService {
  constructor(
    private readonly connection: JetbusConnection,
    private readonly workers: WorkersService,
    @Inject(ADMIN_OPTIONS) private readonly options: ResolvedAdminOptions,
  ) {}

  async overview(): Promise<OverviewDto> {
    return (await this.state()).overview;
  }

  async state(): Promise<ClusterState> {
    const { jsm } = this.connection;
    const [{ workers: all }, streams] = await Promise.all([this.workers.list(), collect(jsm.streams.list())]);
    const live = all.filter((w) => !w.stale);
    const overview: OverviewDto = {
      streams: streams.length,
      messages: 0,
      bytes: 0,
      deadLetters: 0,
      scheduled: 0,
      workers: live.length,
      consumers: 0,
      pending: 0,
      ackPending: 0,
      handlers: handlerTotals(live),
    };
    // One consumer listing per stream that has consumers; they run at once.
    const consumerLists = await Promise.all(
      streams.map((s) => (s.state.consumer_count > 0 ? collect(jsm.consumers.list(s.config.name)) : [])),
    );
    for (const [i, s] of streams.entries()) {
      overview.messages += s.state.messages;
      overview.bytes += s.state.bytes;
      if (s.config.name === this.options.deadLetterStream) overview.deadLetters = s.state.messages;
      if (s.config.name === this.options.schedulingStream) overview.scheduled = s.state.messages;
      for (const c of consumerLists[i]) {
        overview.consumers++;
        overview.pending += c.num_pending;
        overview.ackPending += c.num_ack_pending;
      }
    }
    return { overview, workers: live };
  }
}
