import 'reflect-metadata';
import { Injectable, type PipeTransform, createParamDecorator } from '@nestjs/common';
import { ExternalContextCreator } from '@nestjs/core';
import { Ctx, Payload } from '@nestjs/microservices';
import { PARAM_ARGS_METADATA } from '@nestjs/microservices/constants.js';
import { RpcParamsFactory } from '@nestjs/microservices/factories/rpc-params-factory.js';
import { Test } from '@nestjs/testing';
import { EMPTY, of } from 'rxjs';
import { type ContextSource } from '../context/context-source';
import { type JetbusContext } from '../context/jetbus.context';
import { directHandlerCall } from './direct-handler-call';

/** Records the exact argument list each method receives. */
const received: unknown[][] = [];
const record = (args: IArguments): void => {
  received.push(Array.from(args));
};

@Injectable()
class NoopPipe implements PipeTransform {
  transform(value: unknown): unknown {
    return value;
  }
}

const Custom = createParamDecorator(() => 'custom');

@Injectable()
class Host {
  none(..._: unknown[]): string {
    // eslint-disable-next-line prefer-rest-params -- the exact argument list, holes included
    record(arguments);
    return 'none';
  }
  payloadOnly(@Payload() _p: unknown): void {
    // eslint-disable-next-line prefer-rest-params
    record(arguments);
  }
  ctxFirst(@Ctx() _c: unknown, @Payload() _p: unknown): void {
    // eslint-disable-next-line prefer-rest-params
    record(arguments);
  }
  scoped(
    @Payload('order') _o: unknown,
    _unmarked: unknown,
    @Ctx() _c: unknown,
    @Payload('n') _n: unknown,
  ): void {
    // eslint-disable-next-line prefer-rest-params
    record(arguments);
  }
  gap(_a: unknown, _b: unknown, @Payload() _p: unknown): void {
    // eslint-disable-next-line prefer-rest-params
    record(arguments);
  }
  async asyncValue(@Payload('n') n: number): Promise<number> {
    return n * 2;
  }
  observable(): unknown {
    return of(1, 2, 3);
  }
  async promisedObservable(): Promise<unknown> {
    return of('last');
  }
  empty(): unknown {
    return EMPTY;
  }
  throws(): never {
    throw new Error('sync failure');
  }
  piped(@Payload(NoopPipe) _p: unknown): void {}
  custom(@Custom() _c: unknown): void {}
}

const rpcParams = new RpcParamsFactory();
const paramsFactory = {
  exchangeKeyForValue: (type: number, data: unknown, args: unknown[]): unknown =>
    rpcParams.exchangeKeyForValue(type, data as string | undefined, args),
};

type Method = keyof Host;

describe('directHandlerCall', () => {
  let host: Host;
  let nest: (name: Method) => (payload: unknown, ctx: JetbusContext) => Promise<unknown>;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ providers: [Host, NoopPipe] }).compile();
    host = moduleRef.get(Host);
    const creator = moduleRef.get(ExternalContextCreator);
    // What HandlerInvokerFactory builds when it keeps Nest's pipeline.
    nest = (name) =>
      creator.create(
        host,
        host[name] as (...args: unknown[]) => unknown,
        name,
        PARAM_ARGS_METADATA,
        paramsFactory,
        undefined,
        undefined,
        { guards: true, interceptors: true, filters: false },
        'rpc',
      );
  });

  const direct = (name: Method) => {
    const call = directHandlerCall(host, host[name] as (...args: unknown[]) => unknown, name);
    if (!call) throw new Error(`${name}: no direct call`);
    return call;
  };

  const payloads: unknown[] = [{ order: { id: 'o-1' }, n: 3 }, { n: 0 }, null, undefined, 'text', 42, [1, 2]];
  const ctx = { subject: 'orders.created' } as unknown as JetbusContext;
  /** The runner's job: hands out its context, and counts how often it was asked to. */
  let built = 0;
  const job: ContextSource = {
    context: () => {
      built++;
      return ctx;
    },
  };

  it.each<Method>(['none', 'payloadOnly', 'ctxFirst', 'scoped', 'gap'])(
    '%s: the same argument list as Nest builds, for every kind of payload',
    async (name) => {
      for (const payload of payloads) {
        received.length = 0;
        await nest(name)(payload, ctx);
        await direct(name)(payload, job);
        expect(received).toHaveLength(2);
        expect(received[1]).toStrictEqual(received[0]);
        expect(received[1]).toHaveLength(received[0].length);
      }
    },
  );

  it.each<Method>(['none', 'asyncValue', 'observable', 'promisedObservable'])(
    '%s: the same result as Nest resolves',
    async (name) => {
      const payload = { n: 21 };
      expect(await direct(name)(payload, job)).toStrictEqual(await nest(name)(payload, ctx));
    },
  );

  it('rejects an empty Observable and a synchronous throw as Nest does', async () => {
    const emptyNest = await nest('empty')(undefined, ctx).catch((e: Error) => e.name);
    expect(await direct('empty')(undefined, job).catch((e: Error) => e.name)).toBe(emptyNest);
    expect(emptyNest).toBe('EmptyError');
    await expect(direct('throws')(undefined, job)).rejects.toThrow('sync failure');
  });

  it('rejects, never throws at the caller, when building the arguments throws', async () => {
    const hostile = {
      get order(): unknown {
        throw new Error('getter failure');
      },
    };
    const failing: ContextSource = {
      context: () => {
        throw new Error('context failure');
      },
    };
    await expect(direct('scoped')(hostile, job)).rejects.toThrow('getter failure');
    await expect(direct('none')(undefined, failing)).rejects.toThrow('context failure');
  });

  it.each<[Method, number]>([
    ['payloadOnly', 0],
    ['asyncValue', 0],
    ['ctxFirst', 1],
    ['scoped', 1],
    ['none', 1],
  ])('%s: builds the job context only for a handler that takes it (%i)', async (name, contexts) => {
    built = 0;
    await direct(name)({ order: {}, n: 1 }, job);
    expect(built).toBe(contexts);
  });

  it('declines a parameter with a pipe and a custom parameter decorator', () => {
    expect(directHandlerCall(host, host.piped as (...args: unknown[]) => unknown, 'piped')).toBeUndefined();
    expect(directHandlerCall(host, host.custom as (...args: unknown[]) => unknown, 'custom')).toBeUndefined();
  });
});
