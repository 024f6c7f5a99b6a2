import { PARAM_ARGS_METADATA } from '@nestjs/microservices/constants.js';
import { RpcParamtype } from '@nestjs/microservices/enums/rpc-paramtype.enum.js';
import { isObservable, lastValueFrom } from 'rxjs';
import { type ContextSource } from '../context/context-source';

/** One `@Payload()` / `@Payload('field')` / `@Ctx()` parameter, as Nest records it. */
interface ParamSlot {
  index: number;
  /** `@Payload('field')`: the property of the payload the parameter receives. */
  field: string | undefined;
  isContext: boolean;
}

interface RouteArg {
  index: number;
  data?: unknown;
  pipes?: unknown[];
}

export type DirectCall = (payload: unknown, job: ContextSource) => Promise<unknown>;

/**
 * The handler method called the way Nest's `ExternalContextCreator` calls it when no guard,
 * interceptor or pipe applies, without building an execution context per job: the same argument
 * list as `@Payload()` / `@Payload('field')` / `@Ctx()` produce through `RpcParamsFactory`
 * (parameters without a decorator stay `undefined`; a method with no decorated parameter gets
 * `(payload, ctx)`), and an Observable result resolved with `lastValueFrom` as Nest does.
 *
 * Returns `undefined` when Nest would do more than that for the parameters: a pipe on a
 * parameter (`@Payload(SomePipe)`), a custom parameter decorator, or any other parameter type.
 * The caller must also have made sure that no guard, interceptor or handler-level pipe applies.
 */
export function directHandlerCall(
  instance: object,
  method: (...args: unknown[]) => unknown,
  methodName: string,
): DirectCall | undefined {
  const metadata: Record<string, RouteArg> | undefined = Reflect.getMetadata(
    PARAM_ARGS_METADATA,
    instance.constructor,
    methodName,
  );
  const keys = Object.keys(metadata ?? {});
  if (!metadata || keys.length === 0) {
    return (payload, job) => {
      try {
        return settled(method.call(instance, payload, job.context()));
      } catch (e) {
        return Promise.reject(e as Error);
      }
    };
  }
  const slots: ParamSlot[] = [];
  for (const key of keys) {
    const { index, data, pipes } = metadata[key];
    // Nest maps `${type}:${index}` keys to a param type; custom decorators carry another prefix.
    const type = key.split(':')[0];
    const isPayload = type === String(RpcParamtype.PAYLOAD);
    const isContext = type === String(RpcParamtype.CONTEXT);
    if ((!isPayload && !isContext) || (pipes && pipes.length > 0)) return undefined;
    // RpcParamsFactory reads `args[0]?.[data]` for a truthy `data` only.
    const field = isPayload && data ? String(data) : undefined;
    slots.push({ index, field, isContext });
  }
  const length = Math.max(...slots.map((s) => s.index)) + 1;
  // The context is built only for a handler that takes it (`@Ctx()`).
  return (payload, job) => {
    try {
      const args: unknown[] = new Array(length).fill(undefined);
      for (const slot of slots) {
        args[slot.index] = slot.isContext
          ? job.context()
          : slot.field === undefined
            ? payload
            : (payload as Record<string, unknown> | null | undefined)?.[slot.field];
      }
      return settled(method.apply(instance, args));
    } catch (e) {
      return Promise.reject(e as Error);
    }
  };
}

/**
 * What `async (…) => settle(await method(…))` returns, without an async function per job (its frame
 * and the promise of its await); the callers turn a synchronous throw into a rejection, as there.
 */
const settled = (result: unknown): Promise<unknown> => Promise.resolve(result).then(settle);

/** Nest's `transformToResult`: an Observable's last value, an empty one being an error as there. */
const settle = (result: unknown): unknown => (isObservable(result) ? lastValueFrom(result) : result);
