import { type JetStreamClient, StorageType } from '@nats-io/jetstream';
import { type ObjectStore, Objm } from '@nats-io/obj';
import { OpenOnce } from '../connection/open-once';
import { deadLetterPayloadBucket, deadLetterPayloadBucketPrefix } from '../wire/names';

export { deadLetterPayloadBucket, deadLetterPayloadBucketPrefix };

/** Object name of one job's payload in its source stream's bucket: its sequence. */
export const deadLetterPayloadName = (seq: number): string => String(seq);

/** Object name of a job's header block kept outside its dead letter, beside its payload's (`<seq>`). */
export const deadLetterHeadersName = (seq: number): string => `${seq}.headers`;

/** Where a payload kept outside its dead letter is: the `Jetbus-Dlq-Payload` header's `object` form. */
export interface PayloadObjectRef {
  bucket: string;
  name: string;
}

export const formatPayloadRef = (ref: PayloadObjectRef): string => `object ${ref.bucket} ${ref.name}`;

export function parsePayloadRef(value: string): PayloadObjectRef | undefined {
  const m = /^object ([A-Za-z0-9_-]+) (\S+)$/.exec(value.trim());
  return m ? { bucket: m[1], name: m[2] } : undefined;
}

/**
 * Payloads of dead letters that would exceed the server's `max_payload` once the `Jetbus-Dlq-*`
 * headers are added (a job near the limit fits alone, not with ~600 B of metadata). They go to a
 * JetStream object store bucket, chunked, and the dead letter points at them. Buckets are opened
 * (or created, with file storage and no expiry, like the DLQ) on first use.
 */
export class DeadLetterPayloads {
  private readonly objm: Objm;
  private readonly opened: OpenOnce<ObjectStore>;
  /** Buckets this process created (file storage, no expiry, like the DLQ) when opening failed. */
  private readonly created: OpenOnce<ObjectStore>;

  constructor(js: JetStreamClient) {
    this.objm = new Objm(js);
    this.opened = new OpenOnce((name) => this.objm.open(name));
    this.created = new OpenOnce((name) => this.objm.create(name, { storage: StorageType.File }));
  }

  async put(bucket: string, name: string, data: Uint8Array): Promise<PayloadObjectRef> {
    const store = await this.bucket(bucket, true);
    await store.putBlob({ name }, data);
    return { bucket, name };
  }

  /** The payload, or null when the object is gone. */
  async get(ref: PayloadObjectRef): Promise<Uint8Array | null> {
    return (await this.bucket(ref.bucket, false)).getBlob(ref.name);
  }

  /** Deletes the object; a missing one (or bucket) counts as deleted. */
  async delete(ref: PayloadObjectRef): Promise<void> {
    try {
      await (await this.bucket(ref.bucket, false)).delete(ref.name);
    } catch (e) {
      if (!/not found/i.test((e as Error).message)) throw e;
    }
  }

  /**
   * Deletes every object last written before `before` in the buckets whose names start with
   * `prefix`: after a whole-DLQ purge, the payloads of the purged dead letters (a dead letter
   * written after the purge began has a newer object).
   */
  async deleteOlderThan(prefix: string, before: Date): Promise<void> {
    const names: string[] = [];
    for await (const status of this.objm.list())
      if (status.bucket.startsWith(prefix)) names.push(status.bucket);
    for (const name of names) {
      const store = await this.bucket(name, false);
      for (const info of await store.list()) {
        if (new Date(info.mtime) < before) await store.delete(info.name);
      }
    }
  }

  private bucket(name: string, create: boolean): Promise<ObjectStore> {
    const opened = this.opened.get(name);
    return create ? opened.catch(() => this.created.get(name)) : opened;
  }
}
