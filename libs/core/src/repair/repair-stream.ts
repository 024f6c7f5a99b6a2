import { type ConsumerInfo, type JetStreamManager, type StreamInfo } from '@nats-io/jetstream';
import { RepairNotSupportedError } from '../errors';
import {
  type ConsumerSnapshot,
  consumerSnapshot,
  consumerView,
  consumesSubject,
  ownersOf,
  sameConsumer,
  untrustedFloor,
} from './consumer-ownership';
import { isConsumerNotFound, isMessageGone } from '../connection/jetstream-api-errors';
import { mapRepairError } from './map-repair-error';
import { MaxDeliveredLedger } from './max-delivered-ledger';
import { nextMessage } from './next-message';
import {
  type ParsedRepairStreamOptions,
  type RepairStreamOptions,
  parseRepairStreamOptions,
} from './repair-stream.options';
import {
  type RepairLeftReason,
  RepairLeftReasons,
  type StrandedMessage,
  type StreamRepairReport,
} from './stream-repair.report';

/**
 * Removes the stranded messages of a work-queue stream and reports what it removed and what it
 * left.
 *
 * nats-server 2.9 persists a consumer's ack floor and a work-queue stream's deletes separately; a
 * `kill -9` can keep the first and lose the second. The messages in between stay in the stream
 * with nothing pending for them: never delivered again, `first_seq` stuck. A message is stranded
 * only when that is provable: its one owner (the consumer whose filter matches its subject; a work
 * queue allows no overlap) has an ack floor at or above its sequence, which means the owner settled
 * it, and no `MAX_DELIVERIES` advisory says the server gave up on it instead. Messages no consumer
 * takes, messages above their owner's floor (waiting, pending or redelivering) and every message of
 * other retentions are never touched: those get `RepairNotSupportedError`.
 *
 * Work is bounded by what is stored at or below the floors: each consumer's messages are walked with
 * `next_by_subj` from `first_seq` up to its floor, one message in memory at a time, and deleted in
 * batches with `erase: false` (the data is done with; overwriting it costs I/O for nothing).
 *
 * @throws StreamNotFoundError, RepairNotSupportedError, PermissionDeniedError, JetbusConfigError
 */
export async function repairStream(
  jsm: JetStreamManager,
  stream: string,
  options: RepairStreamOptions = {},
): Promise<StreamRepairReport> {
  return new StreamRepair(jsm, stream, parseRepairStreamOptions(options)).run();
}

class StreamRepair {
  private readonly ledger: MaxDeliveredLedger;
  private report!: StreamRepairReport;
  private stream!: StreamInfo;

  constructor(
    private readonly jsm: JetStreamManager,
    private readonly name: string,
    private readonly options: ParsedRepairStreamOptions,
  ) {
    this.ledger = new MaxDeliveredLedger(jsm, options.advisoryStream, name);
  }

  async run(): Promise<StreamRepairReport> {
    this.stream = await this.api(() => this.jsm.streams.info(this.name));
    const { config, state } = this.stream;
    if (config.retention !== 'workqueue') throw new RepairNotSupportedError(this.name, config.retention);
    const consumers = (await this.api(() => this.listConsumers())).map(consumerSnapshot);
    this.report = {
      stream: this.name,
      dryRun: this.options.dryRun,
      aborted: false,
      messages: state.messages,
      firstSeq: state.first_seq,
      lastSeq: state.last_seq,
      consumers: [],
      removed: [],
      left: [],
      alreadyDeleted: [],
    };
    // Advisories are read after the ack floors: a message the server gave up on is below a floor we
    // read only if the give-up, and so its advisory, came before that read.
    if (consumers.length) await this.api(() => this.ledger.refresh());

    for (const c of consumers) {
      const problem = untrustedFloor(c);
      this.report.consumers.push(consumerView(c, problem));
      if (problem || state.messages === 0 || c.ackFloor < state.first_seq) continue;
      await this.repairConsumer(c, consumers);
      if (this.report.aborted) break;
    }
    const bySeq = (a: { seq: number }, b: { seq: number }) => a.seq - b.seq;
    this.report.removed.sort(bySeq);
    this.report.left.sort(bySeq);
    this.report.alreadyDeleted.sort((a, b) => a - b);
    return this.report;
  }

  /** Walks `owner`'s messages from `first_seq` up to its ack floor and settles them in batches. */
  private async repairConsumer(owner: ConsumerSnapshot, all: readonly ConsumerSnapshot[]): Promise<void> {
    // One filter: the server skips other subjects for us. None or several (2.10+): walk everything.
    const walk = owner.filterSubjects.length === 1 ? owner.filterSubjects[0] : '>';
    let batch: StrandedMessage[] = [];
    for (let seq = this.stream.state.first_seq; seq <= owner.ackFloor;) {
      if (this.options.signal?.aborted) {
        this.report.aborted = true;
        return;
      }
      const m = await this.api(() => nextMessage(this.jsm, this.name, seq, walk));
      if (!m || m.seq < seq || m.seq > owner.ackFloor) break;
      seq = m.seq + 1;
      if (!consumesSubject(owner, m.subject)) continue;
      const message: StrandedMessage = { seq: m.seq, subject: m.subject, consumer: owner.name };
      // Against every consumer, untrusted ones too: a second owner means the premise is broken.
      const reason =
        ownersOf(m.subject, all).length > 1
          ? RepairLeftReasons.AmbiguousOwner
          : this.maxDeliveredReason(owner, m.seq);
      if (reason) this.leave(message, reason);
      else batch.push(message);
      if (batch.length >= this.options.batchSize) {
        await this.settle(owner, batch);
        batch = [];
      }
    }
    if (batch.length && !this.report.aborted) await this.settle(owner, batch);
  }

  /** Why `seq` may be a message the server gave up on rather than one `c` acked, if it may. */
  private maxDeliveredReason(c: ConsumerSnapshot, seq: number): RepairLeftReason | undefined {
    // Asked whatever today's `max_deliver`: it can be raised or lifted after a give-up (jetbus
    // updates it when `maxAttempts` changes), and the message given up on is still there.
    if (this.ledger.available && this.ledger.has(c.name, seq)) return RepairLeftReasons.MaxDelivered;
    // Without the advisories, only a consumer that cannot give up proves its floor means acked.
    if (!this.ledger.available && c.maxDeliver > 0) return RepairLeftReasons.MaxDeliveriesUnknown;
    return undefined;
  }

  /**
   * Deletes one batch after re-reading the owner's state, so a live consumer, a server restart or
   * an operator racing the repair cannot turn it into the deletion of an unsettled job. Why that is
   * safe:
   * - A floor that was once read proves those acks happened. The server acks nothing on its own, so
   *   a message at or below an observed floor was settled by a worker, whatever happens next, with
   *   one exception: a message the server gave up on (`max_deliver`). The advisories are re-read
   *   after the fresh floor, so a give-up that the fresh floor covers is known and the message kept.
   * - A floor can still go down: a server `kill -9` loses recent acks (and redelivers those jobs),
   *   a consumer reset (2.11+) moves it on purpose. Each message is compared with the fresh floor,
   *   so one now above it is left to be delivered again rather than deleted under a worker.
   * - The same `created` for the consumer and the stream means the same instances: stream sequences
   *   are never reused within one stream, and a consumer recreated under the same name (its floor
   *   says nothing about the old one's messages) is caught here and its batch is left.
   * - Only the owner can have the message pending: a work queue refuses consumers with overlapping
   *   filters, so no other consumer ever sees it.
   * What remains is the few milliseconds between this re-check and the delete. A consumer recreated
   * in that window would be handed this message again; deleting it then only spares a second run of
   * a job its old consumer settled. A stream deleted, recreated and refilled up to this sequence
   * within that window is not defended against.
   */
  private async settle(owner: ConsumerSnapshot, batch: StrandedMessage[]): Promise<void> {
    if (this.options.dryRun) {
      this.report.removed.push(...batch);
      return;
    }
    if (this.options.signal?.aborted) {
      this.report.aborted = true;
      return;
    }
    const fresh = await this.api(() => this.freshConsumer(owner.name));
    const stream = await this.api(() => this.jsm.streams.info(this.name));
    if (!fresh || !sameConsumer(owner, fresh) || stream.created !== this.stream.created) {
      for (const m of batch) this.leave(m, RepairLeftReasons.ConsumerChanged);
      return;
    }
    await this.api(() => this.ledger.refresh());
    for (const m of batch) {
      if (m.seq > fresh.ackFloor) {
        this.leave(m, RepairLeftReasons.AboveAckFloor);
        continue;
      }
      const reason = this.maxDeliveredReason(fresh, m.seq);
      if (reason) {
        this.leave(m, reason);
        continue;
      }
      // The server answers success:false only together with an error ("sequence not found").
      const deleted = await this.api(() =>
        this.jsm.streams.deleteMessage(this.name, m.seq, false).catch((e: unknown) => {
          if (isMessageGone(e)) return false;
          throw e;
        }),
      );
      if (deleted) this.report.removed.push(m);
      else this.report.alreadyDeleted.push(m.seq);
    }
  }

  private leave(m: StrandedMessage, reason: RepairLeftReason): void {
    this.report.left.push({ ...m, reason });
  }

  private async listConsumers(): Promise<ConsumerInfo[]> {
    const out: ConsumerInfo[] = [];
    for await (const c of this.jsm.consumers.list(this.name)) out.push(c);
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  private async freshConsumer(name: string): Promise<ConsumerSnapshot | undefined> {
    try {
      return consumerSnapshot(await this.jsm.consumers.info(this.name, name));
    } catch (e) {
      if (isConsumerNotFound(e)) return undefined;
      throw e;
    }
  }

  /** Every JetStream call goes through here, so its errors come out as jetbus errors. */
  private async api<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (e) {
      throw mapRepairError(e, this.name);
    }
  }
}
