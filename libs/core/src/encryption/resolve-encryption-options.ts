import { JetbusConfigError } from '../errors/jetbus-config.error';
import {
  booleanOption,
  checkOptions,
  isSubject,
  optionNames,
  optionPath,
  shown,
} from '../config/option-checks';
import { type EncryptionOptions } from './encryption.options';
import { PayloadEncryption } from './payload-encryption';

const ENCRYPTION_OPTIONS = optionNames<EncryptionOptions>({
  keys: true,
  subjects: true,
  acceptCleartext: true,
});

/** Checks `encryption` of the module options; `undefined` when encryption is off. */
export function resolveEncryptionOptions(value: unknown): PayloadEncryption | undefined {
  if (value === undefined) return undefined;
  const o = checkOptions(
    value,
    'encryption',
    ENCRYPTION_OPTIONS,
    'an object { keys, subjects?, acceptCleartext? }',
  );
  const keys = o.keys as Partial<Record<'currentKey' | 'findKey', unknown>> | undefined;
  if (
    typeof keys !== 'object' ||
    keys === null ||
    typeof keys.currentKey !== 'function' ||
    typeof keys.findKey !== 'function'
  )
    throw new JetbusConfigError(
      'encryption.keys',
      `must be a KeyProvider { currentKey(), findKey(id) } such as envKeyProvider() or fileKeyProvider(path), got ${shown(o.keys)}`,
    );
  if (o.subjects !== undefined && !Array.isArray(o.subjects))
    throw new JetbusConfigError(
      'encryption.subjects',
      `must be an array of subjects, got ${shown(o.subjects)}`,
    );
  const subjects = ((o.subjects ?? []) as unknown[]).map((s, i) => {
    if (!isSubject(s))
      throw new JetbusConfigError(
        optionPath('encryption.subjects', i),
        `must be a NATS subject like "payments.>", got ${shown(s)}`,
      );
    return s;
  });
  return new PayloadEncryption(
    o.keys as EncryptionOptions['keys'],
    subjects,
    booleanOption(o.acceptCleartext, 'encryption.acceptCleartext') ?? false,
  );
}
