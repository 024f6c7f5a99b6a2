import { type JetStreamClient, StorageType } from '@nats-io/jetstream';
import { type KV, type KvOptions, Kvm } from '@nats-io/kv';
import { isStreamNotFound } from './jetstream-api-errors';

/**
 * Opens a KV bucket, creating it when it does not exist. `Kvm.open` only binds (it never checks
 * that the bucket exists) and `Kvm.create` needs the right to create streams, which a
 * least-privilege worker may lack once the bucket exists: so look first.
 */
export async function openOrCreateKv(
  js: JetStreamClient,
  bucket: string,
  options: Partial<KvOptions>,
): Promise<KV> {
  const kvm = new Kvm(js);
  const jsm = await js.jetstreamManager();
  const exists = await jsm.streams.info(`KV_${bucket}`).then(
    () => true,
    (e: Error) => {
      if (isStreamNotFound(e)) return false;
      throw e;
    },
  );
  return exists ? kvm.open(bucket) : kvm.create(bucket, { storage: StorageType.File, ...options });
}

/** Bucket names allow `[-_a-zA-Z0-9]`; anything else in a stream or durable name becomes `_`. */
export { bucketNamePart } from '../wire/names';

/** KV keys allow `[-/_=.a-zA-Z0-9]`; anything else is hex-escaped as `=xx`. */
export { boundedKvKeyPart, kvKeyPart } from '../wire/names';
