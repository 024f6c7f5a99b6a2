import { type ExternalContextCreator } from '@nestjs/core';

/**
 * The members of `ExternalContextCreator` that collect a handler's guards, interceptors and pipes
 * (global ones from `useGlobal*` and `APP_*` providers, then the class's, then the method's).
 * They are private in Nest's typings, so they are reached by name; when a Nest upgrade renames
 * one, the probe reports "unknown" and every handler keeps the full pipeline.
 */
const ENHANCER_CREATORS = [
  'guardsContextCreator',
  'interceptorsContextCreator',
  'pipesContextCreator',
] as const;
type EnhancerKind = (typeof ENHANCER_CREATORS)[number];

interface ContextCreatorLike {
  create(...args: unknown[]): unknown;
}

/** What Nest built for one handler, read after `ExternalContextCreator.create()` returned. */
export interface EnhancerProbe {
  /**
   * Guards, interceptors and handler-level pipes (global, class and method) Nest will run; `undefined`
   * when the probe could not see all three kinds (a changed Nest internals), which counts as "some".
   */
  count(): number | undefined;
}

/**
 * Returns a creator that behaves exactly like `creator` and records the length of the guard,
 * interceptor and pipe lists that Nest computes inside `create()`. The shared Nest instance is not
 * touched: the overrides live on objects derived from it, made per handler.
 */
export function probeEnhancers(creator: ExternalContextCreator): {
  creator: ExternalContextCreator;
  probe: EnhancerProbe;
} {
  const seen: Partial<Record<EnhancerKind, number>> = {};
  const overrides: PropertyDescriptorMap = {};
  let complete = true;
  for (const kind of ENHANCER_CREATORS) {
    const original = (creator as unknown as Record<string, unknown>)[kind];
    if (!isContextCreator(original)) {
      complete = false;
      continue;
    }
    const observed = Object.create(original, {
      create: {
        value(this: ContextCreatorLike, ...args: unknown[]): unknown {
          const list = original.create.apply(this, args);
          seen[kind] = Array.isArray(list) ? list.length : Number.POSITIVE_INFINITY;
          return list;
        },
      },
    }) as ContextCreatorLike;
    overrides[kind] = { value: observed };
  }
  return {
    creator: Object.create(creator, overrides) as ExternalContextCreator,
    probe: {
      count: () => {
        if (!complete || ENHANCER_CREATORS.some((k) => seen[k] === undefined)) return undefined;
        return ENHANCER_CREATORS.reduce((sum, k) => sum + (seen[k] ?? 0), 0);
      },
    },
  };
}

function isContextCreator(value: unknown): value is ContextCreatorLike {
  return (
    typeof value === 'object' && value !== null && typeof (value as ContextCreatorLike).create === 'function'
  );
}
