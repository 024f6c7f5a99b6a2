import { needsNoTransformation } from './transformer-metadata';

/** Builds the DTO instance for a payload, or undefined when this payload needs plainToInstance. */
export type DirectInstantiation = (payload: object) => object | undefined;

/**
 * What `plainToInstance(Dto, payload)` produces for a DTO without any class-transformer metadata and
 * a payload whose values are all primitives, without class-transformer's per-key metadata lookups:
 * `new Dto()` (so field initialisers give their defaults), then each own enumerable key of the
 * payload copied in order, skipping what class-transformer skips (`__proto__`, `constructor`, a key
 * the prototype defines without a setter, a key whose current value is a function). Primitives are
 * copied as they are, arrays of primitives as new arrays, as class-transformer does; any other
 * object value (nested object, array holding objects, Date...) makes the whole payload go through
 * plainToInstance, which deep-copies it.
 *
 * Undefined when the DTO has class-transformer metadata (@Type, @Transform, @Expose, @Exclude).
 */
export function directInstantiation(dto: new () => object): DirectInstantiation | undefined {
  if (!needsNoTransformation(dto)) return undefined;
  const prototype = dto.prototype as object;
  if ((prototype as { constructor?: unknown }).constructor !== dto) return undefined;
  const skipped = keysWithoutSetter(prototype);
  return (payload) => {
    const proto = Object.getPrototypeOf(payload) as unknown;
    if (proto !== Object.prototype && proto !== null) return undefined;
    const source = payload as Record<string, unknown>;
    const keys = Object.keys(source);
    const values: unknown[] = new Array(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      // Never read by class-transformer, whatever they hold.
      if (key === '__proto__' || key === 'constructor') continue;
      const value = source[key];
      if (typeof value !== 'object' || value === null) values[i] = value;
      else if (!Array.isArray(value) || (values[i] = copyOfPrimitives(value)) === undefined) return undefined;
    }
    // class-transformer returns a thenable payload itself: leave that to it.
    if (typeof source.then === 'function') return undefined;
    const instance = new dto() as Record<string, unknown>;
    const ownProto = (instance.constructor as { prototype?: object } | undefined)?.prototype;
    const skip = ownProto === prototype ? skipped : ownProto ? keysWithoutSetter(ownProto) : undefined;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      if (key === '__proto__' || key === 'constructor') continue;
      if (skip?.has(key) || instance[key] instanceof Function) continue;
      instance[key] = values[i];
    }
    return instance;
  };
}

/**
 * An array of primitives as class-transformer copies an array without @Type: a new array of the
 * elements `forEach` visits (holes dropped). Undefined when an element is an object (it would be
 * deep-copied).
 */
function copyOfPrimitives(array: unknown[]): unknown[] | undefined {
  const copy: unknown[] = [];
  for (let i = 0; i < array.length; i++) {
    if (!(i in array)) continue;
    const element = array[i];
    if (typeof element === 'object' && element !== null) return undefined;
    copy.push(element);
  }
  return copy;
}

/** Own keys of a prototype that class-transformer will not assign (methods, getters without setter). */
function keysWithoutSetter(prototype: object): Set<string> {
  const keys = new Set<string>();
  for (const key of Object.getOwnPropertyNames(prototype)) {
    const descriptor = Object.getOwnPropertyDescriptor(prototype, key);
    if (descriptor && !descriptor.set) keys.add(key);
  }
  return keys;
}
