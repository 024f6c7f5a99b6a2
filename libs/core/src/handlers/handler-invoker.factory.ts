import { Inject, Injectable, type Type } from '@nestjs/common';
import { ExternalContextCreator } from '@nestjs/core';
import { PARAM_ARGS_METADATA } from '@nestjs/microservices/constants.js';
import { RpcParamtype } from '@nestjs/microservices/enums/rpc-paramtype.enum.js';
import { RpcParamsFactory } from '@nestjs/microservices/factories/rpc-params-factory.js';
import { type Logger } from 'pino';
import { isObservable, lastValueFrom } from 'rxjs';
import { JETBUS_LOGGER } from '../constants';
import { type ContextSource } from '../context/context-source';
import { directHandlerCall } from './direct-handler-call';
import { type DiscoveredJobHandler } from './job-handler.explorer';
import { probeEnhancers } from './nest-enhancer-probe';

/** Runs the handler on one job; its `JetbusContext` is taken from `job` only when the handler uses it. */
export type HandlerInvoker = (payload: unknown, job: ContextSource) => Promise<unknown>;

/**
 * Wraps a handler method so Nest guards, interceptors and pipes apply, with the
 * `rpc` execution context that `@Payload()` and `@Ctx()` read. Errors propagate to the caller:
 * settlement, not Nest, decides between ack, retry and dead letter.
 *
 * A handler that no guard, interceptor or pipe applies to (global, `APP_*` providers, class or
 * method, or a pipe on a parameter) skips Nest's pipeline and gets its arguments directly
 * (`direct-handler-call.ts`): Nest would do nothing else per job but build an execution
 * context and resolve the parameters one by one. Which path a handler takes is decided from
 * exactly the lists Nest builds for it, once, when the server starts.
 */
@Injectable()
export class HandlerInvokerFactory {
  // Adapts Nest's own RPC params factory (@Payload/@Ctx) to the core ParamsFactory signature.
  private readonly rpcParams = new RpcParamsFactory();
  private readonly paramsFactory = {
    exchangeKeyForValue: (type: number, data: unknown, args: unknown[]): unknown =>
      this.rpcParams.exchangeKeyForValue(type, data as string | undefined, args),
  };

  constructor(
    private readonly externalContextCreator: ExternalContextCreator,
    @Inject(JETBUS_LOGGER) private readonly log: Logger,
  ) {}

  create(handler: DiscoveredJobHandler): HandlerInvoker {
    const { instance, methodName } = handler;
    const method = (instance as Record<string, (...args: unknown[]) => unknown>)[methodName];
    // ExternalContextCreator looks for the host's module among providers only, so a controller's
    // guards and interceptors would silently be skipped. A derived object (Nest's shared instance
    // stays untouched) answers with the module the explorer found the host in.
    const hosted: ExternalContextCreator = handler.moduleKey
      ? Object.create(this.externalContextCreator, {
          getContextModuleKey: { value: () => handler.moduleKey },
        })
      : this.externalContextCreator;
    const { creator, probe } = probeEnhancers(hosted);
    const pipeline = creator.create(
      instance,
      method,
      methodName,
      PARAM_ARGS_METADATA,
      this.paramsFactory,
      undefined,
      undefined,
      // Exception filters shape replies; a job has none, and Nest's default filter would log every
      // failure a second time. Settlement is the job's outcome, so errors reach it untouched.
      { guards: true, interceptors: true, filters: false },
      'rpc',
    );
    const direct = probe.count() === 0 ? directHandlerCall(instance, method, methodName) : undefined;
    this.log.debug(
      { handler: handler.name, subject: handler.subject, nestPipeline: direct === undefined },
      direct
        ? 'no guard, interceptor or pipe applies: the handler is called directly'
        : 'the handler runs through Nest guards, interceptors and pipes',
    );
    // The direct call already resolves an Observable result as Nest does: no wrapper, one
    // promise less per job.
    if (direct) return direct;
    return async (payload, job) => {
      const result: unknown = await pipeline(payload, job.context());
      return isObservable(result) ? lastValueFrom(result, { defaultValue: undefined }) : result;
    };
  }

  /** The declared type of the `@Payload()` parameter (or of the first parameter when none is marked). */
  payloadType(handler: DiscoveredJobHandler): Type<object> | undefined {
    const { instance, methodName } = handler;
    const paramTypes: unknown[] | undefined = Reflect.getMetadata('design:paramtypes', instance, methodName);
    const args: Record<string, { index: number; data?: unknown }> | undefined = Reflect.getMetadata(
      PARAM_ARGS_METADATA,
      instance.constructor,
      methodName,
    );
    let index = 0;
    if (args && Object.keys(args).length > 0) {
      // A property-scoped @Payload('field') names a part of the payload, not the payload itself.
      const payload = Object.entries(args).find(
        ([key, meta]) => key.startsWith(`${RpcParamtype.PAYLOAD}:`) && meta.data === undefined,
      );
      if (!payload) return undefined;
      index = payload[1].index;
    }
    return paramTypes?.[index] as Type<object> | undefined;
  }
}
