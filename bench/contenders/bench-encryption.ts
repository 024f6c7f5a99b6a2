import { randomBytes } from 'node:crypto';
import { type EncryptionOptions, KeyRing } from '@jetbus/core';
import { BENCH_STREAM_SUBJECTS } from '../harness/job';
import { type ContenderName } from '../protocol';

/**
 * The `jetbus-encrypted` contender: the `jetbus` contender with every bench job encrypted
 * (AES-256-GCM, `encryption.subjects` = the bench stream's subjects), one fresh key per run. Its
 * difference to `jetbus` is the cost of encryption per job.
 */
export function benchEncryption(contender: ContenderName): { encryption?: EncryptionOptions } {
  if (contender !== 'jetbus-encrypted') return {};
  return {
    encryption: {
      keys: new KeyRing('bench', 'bench', { bench: randomBytes(32) }),
      subjects: BENCH_STREAM_SUBJECTS,
    },
  };
}
