import {
  type ValidationArguments,
  ValidationError,
  ValidationTypes,
  getMetadataStorage,
} from 'class-validator';
import { type ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { type ConstraintMetadata } from 'class-validator/types/metadata/ConstraintMetadata';
import { builtinCheck, type ValueCheck } from './builtin-checks';
import { type DtoClass } from './dto-class';
import { nestedTypeOf } from './transformer-metadata';
import { violationMessage } from './violation-message';
import { INVALID_PAYLOAD_VIOLATIONS_MAX } from '../../errors/invalid-payload.error';

/**
 * Why a DTO (or a class met inside a payload) is left to class-validator. Internal control flow:
 * PayloadValidator catches it and never lets it out.
 */
export class NotCompilable extends Error {
  override readonly name = 'NotCompilable';
}

/** Validates one object the way `ValidationExecutor.execute` does, pushing only non-empty errors. */
type ObjectCheck = (object: object, errors: ValidationError[]) => void;

interface CompiledConstraint {
  readonly meta: ValidationMetadata;
  readonly constraint: ConstraintMetadata;
  /** The `constraints` key: the constraint's name (class-validator's getConstraintType). */
  readonly type: string;
  readonly test: ValueCheck;
  readonly each: boolean;
  readonly validateIf: ((object: unknown, value: unknown) => boolean) | undefined;
}

interface PropertyPlan {
  readonly name: string;
  readonly conditions: ((object: unknown, value: unknown) => unknown)[];
  /** IsDefined first, then the other constraints, in metadata order (class-validator's order). */
  readonly constraints: CompiledConstraint[];
  readonly nested: NestedPlan | undefined;
  /**
   * The constraints' checks when the property has nothing else (no condition, `each`, validateIf or
   * nesting): then the value is valid exactly when every check passes.
   */
  readonly plainTests: ValueCheck[] | undefined;
}

interface NestedPlan {
  readonly meta: ValidationMetadata;
  /** What ValidationExecutor passes as the schema name when it descends. */
  readonly schema: string;
}

const UNKNOWN_VALUE = 'an unknown value was passed to the validate function';
/** No violation from a nested check; a string (even '') or undefined message is a violation. */
const NONE = Symbol('none');

/**
 * class-validator's decisions and violation list for a DTO (with `forbidUnknownValues: true`, no
 * groups, no whitelist: what jetbus passes), computed by closures specialised once per class from
 * the same metadata class-validator reads (`getTargetValidationMetadatas`, same arguments, same
 * grouping), calling class-validator's own exported check functions. A valid payload allocates
 * nothing; violations are built only for what fails.
 *
 * Compiles: the built-in constraints in builtin-checks.ts (with `each`, `message` strings or
 * functions, `validateIf`), IsDefined, IsOptional, ValidateIf, Allow, ValidateNested (objects,
 * arrays, Sets, Maps). Anything else (custom constraints, async, `context`, ValidatePromise, two
 * ValidateNested on one property) throws NotCompilable, so the DTO is validated by class-validator.
 */
export class CompiledValidation {
  private readonly byClass = new Map<unknown, Map<string | undefined, ObjectCheck>>();
  private readonly dto: DtoClass;
  private readonly root: ObjectCheck;
  /**
   * Violations the current `validate` call may still record. A hostile payload can hold hundreds of
   * thousands of invalid elements (250,000 `{}` in 750 KB against a DTO with `@ValidateNested({ each:
   * true })`): listing them all took seconds of blocked event loop and ~400 MB per job, for an error
   * message of 38 MB. Past the budget the walk stops: what is returned is the start of the full list
   * (class-validator's, which stays the reference for fewer violations).
   */
  private budget = 0;

  constructor(dto: DtoClass) {
    this.dto = dto;
    this.root = this.forClass(dto, undefined);
    this.precompileNested(dto, undefined, new Map());
  }

  /** The violations class-validator's `validate(instance, { forbidUnknownValues: true })` returns. */
  validate(instance: object): ValidationError[] {
    const errors: ValidationError[] = [];
    // One past what the error lists, so it can tell that the list was cut.
    this.budget = INVALID_PAYLOAD_VIOLATIONS_MAX + 1;
    // class-validator validates by the instance's constructor: plainToInstance can return something
    // else than a DTO instance (a Promise for a thenable payload).
    const ctor = instance.constructor;
    (ctor === this.dto ? this.root : this.forClass(ctor, undefined))(instance, errors);
    return errors;
  }

  /**
   * Compiles the classes reachable through `@Type(() => X)` on nested properties now, so a DTO
   * whose nested class cannot be compiled falls back as a whole from the start.
   */
  private precompileNested(
    ctor: DtoClass,
    schema: string | undefined,
    seen: Map<DtoClass, Set<string | undefined>>,
  ): void {
    let schemas = seen.get(ctor);
    if (!schemas) seen.set(ctor, (schemas = new Set()));
    if (schemas.has(schema)) return;
    schemas.add(schema);
    for (const meta of targetMetadatas(ctor, schema)) {
      if (meta.type !== ValidationTypes.NESTED_VALIDATION) continue;
      const nested = nestedTypeOf(ctor, meta.propertyName);
      if (!nested) continue;
      const nestedSchema = schemaOf(meta);
      this.forClass(nested, nestedSchema);
      this.precompileNested(nested, nestedSchema, seen);
    }
  }

  private forClass(ctor: unknown, schema: string | undefined): ObjectCheck {
    let bySchema = this.byClass.get(ctor);
    if (!bySchema) this.byClass.set(ctor, (bySchema = new Map()));
    let check = bySchema.get(schema);
    if (!check) bySchema.set(schema, (check = this.compileClass(ctor, schema)));
    return check;
  }

  private compileClass(ctor: unknown, schema: string | undefined): ObjectCheck {
    const metas = targetMetadatas(ctor as DtoClass, schema);
    if (metas.length === 0) {
      return (object, errors) => {
        const e = new ValidationError();
        e.target = object;
        e.value = undefined;
        e.property = undefined as unknown as string;
        e.children = [];
        e.constraints = { unknownValue: UNKNOWN_VALUE };
        errors.push(e);
        this.budget--;
      };
    }
    const grouped = getMetadataStorage().groupByPropertyName(metas);
    const plans = Object.keys(grouped).map((name) => planProperty(name, grouped[name]));
    return (object, errors) => {
      for (let i = 0; i < plans.length && this.budget > 0; i++) {
        const plan = plans[i];
        const value = (object as Record<string, unknown>)[plan.name];
        const tests = plan.plainTests;
        if (tests) {
          // The common case, checked without the general machinery; on a failure the general path
          // below builds the violation.
          let ok = true;
          for (let t = 0; t < tests.length && ok; t++) ok = tests[t](value);
          if (ok) continue;
        }
        this.validateProperty(object, plan, value, errors);
      }
    };
  }

  /** ValidationExecutor.performValidations for one property, keeping only a non-empty error. */
  private validateProperty(
    object: object,
    plan: PropertyPlan,
    value: unknown,
    errors: ValidationError[],
  ): void {
    const conditions = plan.conditions;
    if (conditions.length > 0) {
      // class-validator calls every condition (map, then reduce), so do we.
      let ok: unknown = true;
      for (let i = 0; i < conditions.length; i++) {
        const r = conditions[i](object, value);
        ok = ok && r;
      }
      if (!ok) return;
    }
    let error: ValidationError | undefined;
    const constraints = plan.constraints;
    for (let i = 0; i < constraints.length; i++) {
      const c = constraints[i];
      if (c.validateIf && !c.validateIf(object, value)) continue;
      if (passes(c, value)) continue;
      error ??= newError(object, value, plan.name);
      this.budget--;
      error.constraints![c.type] = violationMessage(object, value, {
        message: c.meta.message,
        defaultMessage: defaultMessageOf(c.constraint),
        propertyName: c.meta.propertyName,
        constraints: c.meta.constraints,
      });
    }
    if (plan.nested && value !== undefined) {
      const children: ValidationError[] = [];
      const message = this.validateNested(value, plan.nested, children);
      if (message !== NONE || children.length > 0) {
        error ??= newError(object, value, plan.name);
        // class-validator stores whatever the message builder returned, undefined included.
        if (message !== NONE) {
          error.constraints![plan.nested.meta.type] = message as string;
          this.budget--;
        }
        error.children = children;
      }
    }
    if (!error) return;
    if (Object.keys(error.constraints!).length === 0) delete error.constraints;
    errors.push(error);
  }

  /** ValidationExecutor.nestedValidations: descend into arrays and objects, or report a non-object. */
  private validateNested(
    value: unknown,
    nested: NestedPlan,
    children: ValidationError[],
  ): string | undefined | typeof NONE {
    if (Array.isArray(value) || value instanceof Set || value instanceof Map) {
      const list = (value instanceof Set ? Array.from(value) : value) as unknown[];
      list.forEach((sub: unknown, index: unknown) => {
        if (sub === undefined || this.budget <= 0) return;
        const subChildren: ValidationError[] = [];
        const message = this.validateNested(sub, nested, subChildren);
        if (message === NONE && subChildren.length === 0) return;
        const e = newError(value as object, sub, (index as { toString(): string }).toString());
        if (message !== NONE) {
          e.constraints![nested.meta.type] = message as string;
          this.budget--;
        } else delete e.constraints;
        e.children = subChildren;
        children.push(e);
      });
      return NONE;
    }
    if (value instanceof Object) {
      this.forClass(value.constructor, nested.schema)(value, children);
      return NONE;
    }
    return violationMessage(nested.meta.target as object, value, {
      message: nested.meta.message,
      propertyName: nested.meta.propertyName,
      constraints: nested.meta.constraints,
    });
  }
}

function targetMetadatas(ctor: DtoClass, schema: string | undefined): ValidationMetadata[] {
  // Exactly ValidationExecutor.execute's query for options { forbidUnknownValues: true }.
  return getMetadataStorage().getTargetValidationMetadatas(ctor, schema as string, false, false, undefined);
}

function schemaOf(meta: ValidationMetadata): string {
  return typeof meta.target === 'string' ? meta.target : meta.target.name;
}

function planProperty(name: string, metas: ValidationMetadata[]): PropertyPlan {
  for (const m of metas) {
    if (m.context !== undefined) throw new NotCompilable(`${name}: a constraint with a context`);
  }
  const defined = metas.filter((m) => m.type === ValidationTypes.IS_DEFINED);
  const rest = metas.filter(
    (m) => m.type !== ValidationTypes.IS_DEFINED && m.type !== ValidationTypes.WHITELIST,
  );
  if (rest.some((m) => m.type === ValidationTypes.PROMISE_VALIDATION)) {
    throw new NotCompilable(`${name}: ValidatePromise`);
  }
  const custom = rest.filter((m) => m.type === ValidationTypes.CUSTOM_VALIDATION);
  const nested = rest.filter((m) => m.type === ValidationTypes.NESTED_VALIDATION);
  if (nested.length > 1) throw new NotCompilable(`${name}: more than one ValidateNested`);
  const conditions = rest
    .filter((m) => m.type === ValidationTypes.CONDITIONAL_VALIDATION)
    .map((m) => {
      const condition = m.constraints?.[0] as unknown;
      if (typeof condition !== 'function')
        throw new NotCompilable(`${name}: a condition that is not a function`);
      return condition as (object: unknown, value: unknown) => unknown;
    });
  const constraints = [...defined, ...custom].map((m) => compileConstraint(name, m));
  const plain =
    conditions.length === 0 && nested.length === 0 && constraints.every((c) => !c.each && !c.validateIf);
  return {
    name,
    conditions,
    constraints,
    nested: nested.length ? { meta: nested[0], schema: schemaOf(nested[0]) } : undefined,
    plainTests: plain ? constraints.map((c) => c.test) : undefined,
  };
}

function compileConstraint(property: string, meta: ValidationMetadata): CompiledConstraint {
  const found = getMetadataStorage().getTargetValidatorConstraints(meta.constraintCls);
  if (found.length !== 1) throw new NotCompilable(`${property}: ${found.length} constraint classes`);
  const constraint = found[0];
  if (constraint.async) throw new NotCompilable(`${property}: async constraint ${constraint.name}`);
  // Built-in decorators register their constraint under the same name on the metadata; a class used
  // with @Validate(...) has no metadata name, so it is never mistaken for a built-in.
  const test = meta.name === constraint.name ? builtinCheck(constraint.name, meta.constraints) : undefined;
  if (!test)
    throw new NotCompilable(`${property}: constraint ${constraint.name ?? meta.type} is not built in`);
  return {
    meta,
    constraint,
    type: constraint.name ? constraint.name : meta.type,
    test,
    each: !!meta.each,
    validateIf: meta.validateIf,
  };
}

function passes(c: CompiledConstraint, value: unknown): boolean {
  if (!c.each || !(Array.isArray(value) || value instanceof Set || value instanceof Map))
    return !!c.test(value);
  const list: unknown[] =
    value instanceof Map ? Array.from(value.values()) : Array.isArray(value) ? value : Array.from(value);
  for (let i = 0; i < list.length; i++) if (!c.test(list[i])) return false;
  return true;
}

function defaultMessageOf(
  constraint: ConstraintMetadata,
): ((args: ValidationArguments) => string) | undefined {
  const instance = constraint.instance;
  return instance.defaultMessage instanceof Function ? instance.defaultMessage.bind(instance) : undefined;
}

/** ValidationExecutor.generateValidationError: same fields, same order. */
function newError(target: object, value: unknown, property: string): ValidationError {
  const e = new ValidationError();
  e.target = target;
  e.value = value;
  e.property = property;
  e.children = [];
  e.constraints = {};
  return e;
}
