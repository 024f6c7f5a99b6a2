import { JetbusConfigError } from '../errors';

/** Deletes between two re-reads of the owning consumer's ack floor, when `batchSize` is not given. */
export const REPAIR_DEFAULT_BATCH_SIZE = 100;

/**
 * Where jetbus captures `MAX_DELIVERIES` advisories: the module's `ADVISORY_STREAM`, named again
 * here because `module/` composes this folder and must not be imported by it (a spec checks the
 * two agree).
 */
export const REPAIR_DEFAULT_ADVISORY_STREAM = 'JETBUS_ADVISORIES';

export interface RepairStreamOptions {
  /** Find the stranded messages and report them under `removed`, but delete nothing. @default false */
  dryRun?: boolean;
  /**
   * Stops the repair before the next message is read or the next batch deleted; the report then
   * says `aborted`. Running it again continues with what is left.
   */
  signal?: AbortSignal;
  /** Messages deleted per re-check of the consumer's ack floor. @default 100 */
  batchSize?: number;
  /**
   * The stream that captures `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.>`, read to keep messages
   * the server gave up on (they sit below the ack floor too, but were never acked). When it does
   * not exist, messages of consumers with a `max_deliver` limit are left and reported.
   * @default 'JETBUS_ADVISORIES'
   */
  advisoryStream?: string;
}

export interface ParsedRepairStreamOptions {
  dryRun: boolean;
  signal: AbortSignal | undefined;
  batchSize: number;
  advisoryStream: string;
}

/** Applies the defaults and checks each option; a bad one is a `JetbusConfigError` naming it. */
export function parseRepairStreamOptions(options: RepairStreamOptions = {}): ParsedRepairStreamOptions {
  const batchSize = options.batchSize ?? REPAIR_DEFAULT_BATCH_SIZE;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new JetbusConfigError('batchSize', `must be a whole number of at least 1, got ${batchSize}`);
  }
  const advisoryStream = options.advisoryStream ?? REPAIR_DEFAULT_ADVISORY_STREAM;
  if (!/^[^\s.*>]+$/.test(advisoryStream)) {
    throw new JetbusConfigError('advisoryStream', `must be a stream name, got "${advisoryStream}"`);
  }
  return { dryRun: options.dryRun ?? false, signal: options.signal, batchSize, advisoryStream };
}
