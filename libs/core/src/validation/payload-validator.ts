import { type Type } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { type ValidationError, getMetadataStorage, validate } from 'class-validator';
import { InvalidPayloadError } from '../errors';
import { type DirectInstantiation, compileValidation } from './compiled';

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

/** How a PayloadValidator checks: compiled when the DTO allows it (the default), or always class-validator. */
export type PayloadValidationMode = 'compiled' | 'class-validator';

/**
 * Validates one DTO class, built once per handler or publish call site. Turns a plain payload into
 * an instance of the class (so the handler gets methods and nested types), or throws
 * `InvalidPayloadError`.
 */
export class PayloadValidator {
  private readonly checks: boolean;
  private compiled: ((instance: object) => ValidationError[] | undefined) | undefined;
  private readonly instantiate: DirectInstantiation | undefined;

  constructor(
    private readonly dto: Type<object>,
    mode: PayloadValidationMode = 'compiled',
  ) {
    this.checks = hasValidationRules(dto);
    const compiled = mode === 'compiled' ? compileValidation(dto) : undefined;
    this.compiled = compiled?.validate;
    this.instantiate = compiled?.instantiate;
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
      instance = this.instantiate?.(payload) ?? plainToInstance(this.dto, payload);
      if (!this.checks) return instance;
      const compiled = this.compiled?.(instance);
      if (this.compiled && !compiled) this.compiled = undefined; // met a class it cannot compile
      errors = compiled ?? (await validate(instance, { forbidUnknownValues: true }));
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
