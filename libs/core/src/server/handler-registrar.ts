import { type Type } from '@nestjs/common';
import { type Logger } from 'pino';
import { type JetbusConnection } from '../connection/jetbus.connection';
import { JetbusConfigError } from '../errors';
import { type HandlerInvoker } from '../handlers/handler-invoker.factory';
import { type JobHandlerOptions, type ResolvedJobHandlerOptions } from '../handlers/job-handler.options';
import { resolveJobHandlerOptions } from '../handlers/resolve-job-handler-options';
import { type JetbusMetrics } from '../observability/jetbus-metrics';
import { ensureConsumer, provisionLanes, resolveStream, toConsumerConfig } from '../provisioning';
import { createBackoff } from '../retry';
import { PayloadValidator, isDtoClass } from '../validation';
import { CompletedJobs, completedJobsBucket } from './completed-jobs';
import { type PreparedHandler } from './prepared-handler';

/** What turns into a running consumer: a user's `@JobHandler` or one of jetbus's own (the reaper). */
export interface HandlerSpec {
  /** `ClassName.method`, or `jetbus.reaper(<stream>)`. */
  name: string;
  subject: string;
  options: JobHandlerOptions;
  /** The module's `handlerDefaults` for user handlers; none for jetbus's own. */
  defaults: JobHandlerOptions;
  /** Where the options come from, for error messages (`@JobHandler("x") on Jobs.run`). */
  where: string;
  invoke: HandlerInvoker;
  /** The payload type when no `dto` option is set (the `@Payload()` parameter's type). */
  payloadType?: Type<object> | undefined;
  /** The `handler` label of its metrics. @default name */
  metricsName?: string;
}

/** A spec whose options were resolved and validated, not yet provisioned. */
export interface ResolvedSpec {
  spec: HandlerSpec;
  options: ResolvedJobHandlerOptions;
}

/**
 * Turns handler specs into prepared handlers, the same way for every kind: options resolved and
 * validated (all of them first, so one bad option fails before anything is created), the stream
 * found, one durable per stream and name, the consumer created or brought in line, then the
 * runtime pieces (backoff, validator, completed-job keys, metrics).
 */
export class HandlerRegistrar {
  private readonly durables = new Map<string, string>();

  constructor(
    private readonly connection: JetbusConnection,
    private readonly metrics: JetbusMetrics,
    private readonly log: Logger,
    private readonly serviceName: string,
  ) {}

  resolve(spec: HandlerSpec): ResolvedSpec {
    return {
      spec,
      options: resolveJobHandlerOptions(
        spec.subject,
        this.serviceName,
        spec.options,
        spec.defaults,
        spec.where,
      ),
    };
  }

  async provision({ spec, options: o }: ResolvedSpec): Promise<PreparedHandler> {
    const { where, subject } = spec;
    const stream = await resolveStream(this.connection.jsm, subject, o.stream, this.log);
    const key = `${stream}/${o.durable}`;
    const other = this.durables.get(key);
    if (other) {
      throw new JetbusConfigError(
        `${where}.durable`,
        `consumer ${key} is already used by ${other}; give one of them another durable name`,
      );
    }
    this.durables.set(key, spec.name);
    await ensureConsumer(
      this.connection.jsm,
      { stream, durable: o.durable, config: toConsumerConfig(subject, o) },
      where,
      this.log,
    );
    await provisionLanes(this.connection.jsm, stream, subject, o, where, this.log);
    const dto = o.dto ?? spec.payloadType;
    return {
      name: spec.name,
      subject,
      stream,
      options: o,
      invoke: spec.invoke,
      validator: o.validate && isDtoClass(dto) ? new PayloadValidator(dto) : undefined,
      backoff: createBackoff(o.backoff, `${where}.backoff`),
      metrics: this.metrics.forHandler(spec.metricsName ?? spec.name, subject),
      ...(o.idempotency
        ? {
            completed: new CompletedJobs(
              this.connection.js,
              completedJobsBucket(o.durable),
              o.idempotency.ttlMs,
              this.log,
            ),
          }
        : {}),
    };
  }
}
