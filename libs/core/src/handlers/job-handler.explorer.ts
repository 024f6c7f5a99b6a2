import { Injectable } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { type InstanceWrapper } from '@nestjs/core/injector/instance-wrapper.js';
import { JOB_HANDLER_METADATA } from '../constants';
import { type JobHandlerMetadata } from './job-handler.decorator';

export interface DiscoveredJobHandler extends JobHandlerMetadata {
  instance: object;
  methodName: string;
  /** `ClassName.method`, used in logs and option errors. */
  name: string;
  /** Key of the module that declares the host; Nest needs it to find the host's guards and interceptors. */
  moduleKey: string | undefined;
}

/** Finds every `@JobHandler` method on providers and controllers. */
@Injectable()
export class JobHandlerExplorer {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  explore(): DiscoveredJobHandler[] {
    const wrappers: InstanceWrapper[] = [
      ...this.discovery.getProviders(),
      ...this.discovery.getControllers(),
    ];
    const found: DiscoveredJobHandler[] = [];
    const seen = new Set<object>();
    for (const wrapper of wrappers) {
      const instance = wrapper.instance as object | undefined;
      // Request-scoped providers have no static instance; a job has no HTTP request to scope to.
      if (
        !instance ||
        typeof instance !== 'object' ||
        !wrapper.isDependencyTreeStatic() ||
        seen.has(instance)
      ) {
        continue;
      }
      seen.add(instance);
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const methodName of this.scanner.getAllMethodNames(prototype)) {
        const method = (prototype as Record<string, unknown>)[methodName];
        if (typeof method !== 'function') continue;
        const metas: JobHandlerMetadata[] | undefined = Reflect.getMetadata(JOB_HANDLER_METADATA, method);
        for (const meta of metas ?? []) {
          found.push({
            ...meta,
            instance,
            methodName,
            name: `${instance.constructor.name}.${methodName}`,
            moduleKey: wrapper.host?.token,
          });
        }
      }
    }
    return found;
  }
}
