import { type ValidationError } from 'class-validator';
import { CompiledValidation, NotCompilable } from './compiled-validation';
import { type DirectInstantiation, directInstantiation } from './direct-instantiation';

export interface CompiledDto {
  /**
   * class-validator's violations for an instance of the DTO, or undefined when the instance holds a
   * nested class that cannot be compiled (validate that payload, and the next ones, with class-validator).
   */
  validate: ((instance: object) => ValidationError[] | undefined) | undefined;
  /** plainToInstance without class-transformer, when the DTO has no transformation metadata. */
  instantiate: DirectInstantiation | undefined;
  /** Why the DTO is validated by class-validator (when `validate` is undefined). */
  notCompiled: string | undefined;
}

/** The compiled parts of a DTO's validation, each undefined where class-validator/transformer must run. */
export function compileValidation(dto: new () => object): CompiledDto {
  let compiled: CompiledValidation;
  try {
    compiled = new CompiledValidation(dto);
  } catch (e) {
    if (e instanceof NotCompilable) {
      return { validate: undefined, instantiate: directInstantiation(dto), notCompiled: e.message };
    }
    throw e;
  }
  return { validate: validator(compiled), instantiate: directInstantiation(dto), notCompiled: undefined };
}

function validator(compiled: CompiledValidation): NonNullable<CompiledDto['validate']> {
  return (instance) => {
    try {
      return compiled.validate(instance);
    } catch (e) {
      if (e instanceof NotCompilable) return undefined;
      throw e;
    }
  };
}
