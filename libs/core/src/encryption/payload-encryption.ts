import { randomUUID } from 'node:crypto';
import { type MsgHdrs } from '@nats-io/transport-node';
import { CleartextRefusedError } from '../errors/cleartext-refused.error';
import { DecryptError } from '../errors/decrypt.error';
import { JetbusConfigError } from '../errors/jetbus-config.error';
import { subjectMatches } from '../dead-letter/dead-letter-filter';
import { laneBaseSubject } from '../wire/lane-names';
import { JOB_ID_HEADER } from '../wire/job-id-header';
import { type KeyProvider } from './key-provider';
import { open, seal } from './payload-cipher';
import {
  ENCRYPTION_ALGORITHM,
  ENCRYPTION_HEADER,
  ENCRYPTION_VERSION,
  KEY_ID_PATTERN,
  NONCE_BYTES,
  TAG_BYTES,
  associatedData,
  formatEncryptionHeader,
  parseEncryptionHeader,
} from './wire-format';

/** A payload sealed for publishing, and the headers that must travel with it. */
export interface SealedPayload {
  body: Uint8Array;
  jobId: string;
  /** Sets `Jetbus-Enc` and `Jetbus-Job-Id` (the job id the ciphertext is bound to). */
  apply(headers: MsgHdrs): void;
}

/** The resolved `encryption` option: which subjects are encrypted, and sealing and opening with its keys. */
export class PayloadEncryption {
  constructor(
    readonly keys: KeyProvider,
    readonly subjects: readonly string[],
    readonly acceptCleartext: boolean,
  ) {}

  /** Whether `subjects` lists this subject, or the handler subject of this priority or group lane. */
  covers(subject: string): boolean {
    const base = laneBaseSubject(subject);
    return this.subjects.some((p) => subjectMatches(p, subject) || subjectMatches(p, base));
  }

  /** Encrypts `body` with the current key, bound to the subject it is delivered on and its job id. */
  async seal(subject: string, body: Uint8Array, jobId: string): Promise<SealedPayload> {
    const { id, key } = await this.keys.currentKey();
    const sealed = seal(key, body, associatedData(id, subject, jobId));
    const header = formatEncryptionHeader(id);
    return {
      body: sealed,
      jobId,
      apply(h) {
        h.set(JOB_ID_HEADER, jobId);
        h.set(ENCRYPTION_HEADER, header);
      },
    };
  }

  /**
   * The plaintext of an encrypted job, or a `DecryptError` saying why not. A key provider that
   * throws (a KMS outage) throws through, so the job is retried rather than dead-lettered.
   */
  async open(
    subject: string,
    header: string,
    jobId: string | undefined,
    data: Uint8Array,
  ): Promise<Uint8Array> {
    const { version, alg, kid } = parseEncryptionHeader(header);
    if (version !== ENCRYPTION_VERSION || alg !== ENCRYPTION_ALGORITHM)
      throw new DecryptError(
        subject,
        'unsupported',
        `${ENCRYPTION_HEADER} "${header.slice(0, 100)}" is not ${ENCRYPTION_VERSION} ${ENCRYPTION_ALGORITHM}`,
        kid,
      );
    if (kid === undefined || !KEY_ID_PATTERN.test(kid))
      throw new DecryptError(subject, 'malformed', `${ENCRYPTION_HEADER} has no valid kid`);
    if (!jobId)
      throw new DecryptError(
        subject,
        'malformed',
        `no ${JOB_ID_HEADER} header (the ciphertext is bound to it)`,
        kid,
      );
    if (data.length < NONCE_BYTES + TAG_BYTES)
      throw new DecryptError(
        subject,
        'malformed',
        `body of ${data.length} bytes is shorter than nonce and tag`,
        kid,
      );
    const key = await this.keys.findKey(kid);
    if (!key) throw new DecryptError(subject, 'unknown-key', `key "${kid}" is not held by this process`, kid);
    const plain = open(key.key, data, associatedData(kid, subject, jobId));
    if (!plain)
      throw new DecryptError(
        subject,
        'authentication-failed',
        'the ciphertext, nonce, tag, key id, subject or job id is not what was sealed',
        kid,
      );
    return plain;
  }
}

/**
 * The publish hook: seals `body` when this publish is encrypted (`encrypt`, else whether
 * `encryption.subjects` lists the subject), else returns `undefined`. The job id bound into the
 * ciphertext is the scheduled job's id, else the caller's `Jetbus-Job-Id` header, else `msgId`,
 * else a new random UUID; it is sent as `Jetbus-Job-Id`, which replay and release keep. Returns
 * `undefined` synchronously for a cleartext publish (no await on the plain path); a bad `encrypt`
 * throws a `JetbusConfigError`.
 */
export function sealForPublish(
  encryption: PayloadEncryption | undefined,
  subject: string,
  body: Uint8Array,
  options: { encrypt?: boolean; msgId?: string; headers?: Record<string, string | string[]> },
  scheduledJobId: string | undefined,
): Promise<SealedPayload> | undefined {
  if (options.encrypt !== undefined && typeof options.encrypt !== 'boolean')
    throw new JetbusConfigError('encrypt', `must be true or false, got ${typeof options.encrypt}`);
  const encrypt = options.encrypt ?? encryption?.covers(subject) ?? false;
  if (!encrypt) return undefined;
  if (!encryption)
    throw new JetbusConfigError('encrypt', 'needs encryption { keys } in JetbusModule.forRoot');
  const given = headerValue(options.headers, JOB_ID_HEADER);
  const jobId = scheduledJobId ?? (given || undefined) ?? options.msgId ?? randomUUID();
  return encryption.seal(subject, body, jobId);
}

/**
 * The worker hook: the bytes for the codec. An encrypted job is decrypted (or a `DecryptError`);
 * a cleartext job on an encrypted subject is refused with a `CleartextRefusedError` unless
 * `acceptCleartext`; anything else passes unchanged.
 */
export function openForHandler(
  encryption: PayloadEncryption | undefined,
  subject: string,
  headers: MsgHdrs | undefined,
  data: Uint8Array,
): Uint8Array | Promise<Uint8Array> {
  const header = headers?.has(ENCRYPTION_HEADER) ? headers.get(ENCRYPTION_HEADER) : '';
  if (!header) {
    if (encryption && !encryption.acceptCleartext && encryption.covers(subject))
      throw new CleartextRefusedError(subject);
    return data;
  }
  if (!encryption)
    throw new DecryptError(
      subject,
      'no-keys',
      'this process has no encryption configured (JetbusModule.forRoot encryption)',
    );
  return encryption.open(subject, header, headers?.get(JOB_ID_HEADER), data);
}

function headerValue(
  headers: Record<string, string | string[]> | undefined,
  name: string,
): string | undefined {
  if (!headers) return undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  const v = key === undefined ? undefined : headers[key];
  return Array.isArray(v) ? v[0] : v;
}
