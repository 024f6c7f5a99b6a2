import { type Type } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { type ValidationError, getMetadataStorage, validate } from 'class-validator';
import { InvalidPayloadError } from '../errors';

const NOT_DTOS = new Set<unknown>([
  Object,
  String,
  Number,
  Boolean,
  Array,
  Promise,
  Symbol,
  BigInt,
  Function,
]);

/** True for a user class (not `Object`, a primitive wrapper, or an interface erased to Object). */
export const isDtoClass = (type: unknown): type is Type<object> =>
  typeof type === 'function' && !NOT_DTOS.has(type);

/** Whether class-validator knows any constraint on the class (else validate() would reject it as unknown). */
export const hasValidationRules = (dto: Type<object>): boolean =>
  getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false).length > 0;

/**
 * Validates one DTO class, built once per handler or publish call site. Turns a plain payload into
 * an instance of the class (so the handler gets methods and nested types), or throws
 * `InvalidPayloadError`.
 */
export class PayloadValidator {
  private readonly checks: boolean;

  constructor(private readonly dto: Type<object>) {
    this.checks = hasValidationRules(dto);
  }

  async validate(subject: string, payload: unknown): Promise<object> {
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
      throw new InvalidPayloadError(subject, this.dto.name, [
        {
          property: '(payload)',
          constraints: {
            isObject: `must be a JSON object, got ${Array.isArray(payload) ? 'array' : typeof payload}`,
          },
          children: [],
        },
      ]);
    }
    let instance: object;
    let errors: ValidationError[];
    try {
      instance = plainToInstance(this.dto, payload);
      if (!this.checks) return instance;
      errors = await validate(instance, { forbidUnknownValues: true });
    } catch (e) {
      // class-transformer and class-validator recurse: a payload nested 100k deep overflows the
      // stack (RangeError). That is the payload's fault, never worth a retry.
      throw new InvalidPayloadError(subject, this.dto.name, [
        {
          property: '(payload)',
          constraints: {
            validatable: `cannot be validated: ${(e as Error)?.name ?? 'Error'}: ${(e as Error)?.message ?? e}`,
          },
          children: [],
        },
      ]);
    }
    if (errors.length > 0) throw new InvalidPayloadError(subject, this.dto.name, errors);
    return instance;
  }
}
