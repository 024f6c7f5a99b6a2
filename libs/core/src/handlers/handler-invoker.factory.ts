import { Injectable, type Type } from '@nestjs/common';
import { ExternalContextCreator } from '@nestjs/core';
import { PARAM_ARGS_METADATA } from '@nestjs/microservices/constants.js';
import { RpcParamtype } from '@nestjs/microservices/enums/rpc-paramtype.enum.js';
import { RpcParamsFactory } from '@nestjs/microservices/factories/rpc-params-factory.js';
import { isObservable, lastValueFrom } from 'rxjs';
import { type JetbusContext } from '../context/jetbus.context';
import { type DiscoveredJobHandler } from './job-handler.explorer';

export type HandlerInvoker = (payload: unknown, ctx: JetbusContext) => Promise<unknown>;

/**
 * Wraps a handler method so Nest guards, interceptors and pipes apply, with the
 * `rpc` execution context that `@Payload()` and `@Ctx()` read. Errors propagate to the caller:
 * settlement, not Nest, decides between ack, retry and dead letter.
 */
@Injectable()
export class HandlerInvokerFactory {
  // Adapts Nest's own RPC params factory (@Payload/@Ctx) to the core ParamsFactory signature.
  private readonly rpcParams = new RpcParamsFactory();
  private readonly paramsFactory = {
    exchangeKeyForValue: (type: number, data: unknown, args: unknown[]): unknown =>
      this.rpcParams.exchangeKeyForValue(type, data as string | undefined, args),
  };

  constructor(private readonly externalContextCreator: ExternalContextCreator) {}

  create(handler: DiscoveredJobHandler): HandlerInvoker {
    const { instance, methodName } = handler;
    const method = (instance as Record<string, (...args: unknown[]) => unknown>)[methodName];
    // ExternalContextCreator looks for the host's module among providers only, so a controller's
    // guards and interceptors would silently be skipped. A derived object (Nest's shared instance
    // stays untouched) answers with the module the explorer found the host in.
    const creator: ExternalContextCreator = handler.moduleKey
      ? Object.create(this.externalContextCreator, {
          getContextModuleKey: { value: () => handler.moduleKey },
        })
      : this.externalContextCreator;
    const invoke = creator.create(
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
    return async (payload, ctx) => {
      const result: unknown = await invoke(payload, ctx);
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
