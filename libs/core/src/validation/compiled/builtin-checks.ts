import {
  ARRAY_MAX_SIZE,
  ARRAY_MIN_SIZE,
  ARRAY_NOT_EMPTY,
  EQUALS,
  IS_ARRAY,
  IS_BOOLEAN,
  IS_DATE,
  IS_DEFINED,
  IS_EMAIL,
  IS_EMPTY,
  IS_ENUM,
  IS_IN,
  IS_INT,
  IS_LENGTH,
  IS_NEGATIVE,
  IS_NOT_EMPTY,
  IS_NOT_IN,
  IS_NUMBER,
  IS_OBJECT,
  IS_POSITIVE,
  IS_STRING,
  IS_UUID,
  MATCHES,
  MAX,
  MAX_LENGTH,
  MIN,
  MIN_LENGTH,
  NOT_EQUALS,
  arrayMaxSize,
  arrayMinSize,
  arrayNotEmpty,
  equals,
  isArray,
  isBoolean,
  isDate,
  isDefined,
  isEmail,
  isEmpty,
  isEnum,
  isIn,
  isInt,
  isNegative,
  isNotEmpty,
  isNotIn,
  isNumber,
  isObject,
  isPositive,
  isString,
  isUUID,
  length,
  matches,
  max,
  maxLength,
  min,
  minLength,
  notEquals,
} from 'class-validator';

/** A per-value check with the decorator's constraints already bound. */
export type ValueCheck = (value: unknown) => boolean;

type Unary = (value: unknown) => boolean;
type Binary = (value: unknown, a: never) => boolean;
type Ternary = (value: unknown, a: never, b: never) => boolean;

/*
 * Every built-in decorator below is registered by class-validator as
 * `validate: (value, args) => fn(value, args.constraints[0], args.constraints[1])` (see its
 * decorator/*.js). Calling the same exported `fn` with the constraints bound once gives the same
 * answer without building a ValidationArguments object per value. Keyed by the constraint name the
 * decorator registers (class-validator's exported IS_* constants, also the key of the violation's
 * `constraints`).
 */
const UNARY: Record<string, Unary> = {
  [IS_STRING]: isString,
  [IS_INT]: isInt,
  [IS_BOOLEAN]: isBoolean,
  [IS_DATE]: isDate,
  [IS_POSITIVE]: isPositive,
  [IS_NEGATIVE]: isNegative,
  [IS_NOT_EMPTY]: isNotEmpty,
  [IS_EMPTY]: isEmpty,
  [IS_ARRAY]: isArray,
  [IS_DEFINED]: isDefined,
  [IS_OBJECT]: isObject,
  [ARRAY_NOT_EMPTY]: arrayNotEmpty,
};

const BINARY = {
  [IS_NUMBER]: isNumber,
  [IS_ENUM]: isEnum,
  [IS_IN]: isIn,
  [IS_NOT_IN]: isNotIn,
  [MIN]: min,
  [MAX]: max,
  [MIN_LENGTH]: minLength,
  [MAX_LENGTH]: maxLength,
  [IS_EMAIL]: isEmail,
  [IS_UUID]: isUUID,
  [ARRAY_MIN_SIZE]: arrayMinSize,
  [ARRAY_MAX_SIZE]: arrayMaxSize,
  [EQUALS]: equals,
  [NOT_EQUALS]: notEquals,
} as Record<string, Binary>;

const TERNARY = {
  [IS_LENGTH]: length,
  [MATCHES]: matches,
} as Record<string, Ternary>;

/** The specialised check for a built-in constraint name, or undefined when it is not one we compile. */
export function builtinCheck(name: string, constraints: unknown[] | undefined): ValueCheck | undefined {
  if (Object.prototype.hasOwnProperty.call(UNARY, name)) return UNARY[name];
  const c = (constraints ?? []) as never[];
  if (Object.prototype.hasOwnProperty.call(BINARY, name)) {
    const fn = BINARY[name];
    const a = c[0];
    return (value) => fn(value, a);
  }
  if (Object.prototype.hasOwnProperty.call(TERNARY, name)) {
    const fn = TERNARY[name];
    const a = c[0];
    const b = c[1];
    return (value) => fn(value, a, b);
  }
  return undefined;
}
