import { type ModuleMetadata, type InjectionToken, type OptionalFactoryDependency } from '@nestjs/common';
import { type Authenticator } from '@nats-io/transport-node';
import { type Logger } from 'pino';
import { type Registry } from 'prom-client';
import { type CancellationOptions } from '../cancellation/cancellation-options';
import { type Codec } from '../codec';
import { type DeadLetterOptions } from '../dead-letter/dead-letter.options';
import { type EncryptionOptions } from '../encryption/encryption.options';
import { type JobHandlerOptions } from '../handlers/job-handler.options';
import { type Duration } from '../retry';
import { type TlsSettings } from '../connection/connection-settings';
import { type JetbusStreamOptions } from './jetbus-stream.options';
import { type PeriodicDefinition } from '../scheduling/periodic/periodic.options';

/** TLS for the client connection. Files are read by nats.js; PEM strings may be given instead. All strings. */
export type JetbusTlsOptions = TlsSettings;

/**
 * Options of `JetbusModule.forRoot`, checked once at startup by `resolveModuleOptions`: an unknown
 * key (at any depth: `streams[]`, `deadLetter`, `handlerDefaults`, `tls`) or a value of the wrong
 * type fails with a `JetbusConfigError` naming its path, and a near-miss key with a did-you-mean.
 */
export interface JetbusModuleOptions {
  /** NATS server URL(s), e.g. `nats://127.0.0.1:4222`; a string or a non-empty list of non-blank strings. Required. */
  servers: string | string[];
  /**
   * Service name: the connection name and the prefix of derived durable consumer names, so
   * instances of one service share work and different services each get every event. Required.
   */
  name: string;
  /** A `.creds` file (user JWT + seed) from `jetbus auth`. */
  credsFile?: string;
  /** Any nats.js authenticator; used instead of `credsFile`. */
  authenticator?: Authenticator;
  tls?: JetbusTlsOptions;
  /**
   * Reply subject prefix; least-privilege users get their own (`_INBOX_<user>`). Subject tokens
   * without spaces or wildcards. @default '_INBOX'
   */
  inboxPrefix?: string;
  /** Streams ensured at startup. @default [] */
  streams?: JetbusStreamOptions[];
  /** How long the first connection may take; more than 0. @default '5s' */
  connectTimeout?: Duration;
  /** Reconnect forever (-1) by default: a worker must outlive a server restart. @default -1 */
  maxReconnectAttempts?: number;
  /** Pause between reconnect attempts to one server; 0 retries at once (nats.js still adds jitter). @default '1s' */
  reconnectTimeWait?: Duration;
  /** How long `publish` waits for the PubAck; more than 0. @default '5s' */
  publishTimeout?: Duration;
  /** Outstanding PubAcks `publishMany` keeps in flight. @default 256 */
  publishWindow?: number;
  /** Defaults for every `@JobHandler` of this module; each handler may override them. */
  handlerDefaults?: JobHandlerOptions;
  /**
   * On shutdown, how long in-flight handlers may finish before they are aborted and nak'ed; 0 aborts
   * them at once. @default '10s'
   */
  shutdownGracePeriod?: Duration;
  /**
   * The dead-letter stream and the reaper. `false` keeps dead letters in the log only (they are
   * still terminated, so prefer the stream). @default { stream: 'JETBUS_DLQ', subjectPrefix: 'dlq', reaper: true }
   */
  deadLetter?: DeadLetterOptions | false;
  /**
   * At worker startup, before the first pull, remove work-queue messages a server crash left below
   * their consumer's ack floor (`repairStream`), in every stream the handlers consume; logged, never
   * fatal. Needs `$JS.API.STREAM.MSG.DELETE.<stream>`. @default false
   */
  repairStranded?: boolean;
  /**
   * Worker heartbeats: while `JetbusServer` runs, it writes what this process runs (handlers, jobs in
   * flight, counts) to the `JETBUS_WORKERS` KV bucket every `interval`, for `listWorkers` and the
   * admin app; an entry expires after 3 intervals and is deleted on shutdown. `false` writes none.
   * @default { interval: '5s' }
   */
  heartbeat?: HeartbeatOptions | false;
  /**
   * Delayed jobs (`publish(subject, data, { delay | deliverAt })`). With it this module declares the
   * scheduling stream (created at startup if missing, like the dead-letter stream) and its
   * `JetbusServer` releases the due jobs of its handlers' subjects. A producer needs no option to
   * schedule: only the stream must exist. @default false
   */
  scheduling?: SchedulingOptions | false;
  /**
   * Periodic (cron) schedules whose ticks are published to a subject a `@JobHandler` handles; see
   * `@Periodic` for schedules on a method. Every instance of the module fires them, each tick is
   * published once. @default []
   */
  periodic?: PeriodicDefinition[];
  /**
   * Cancel queued and running jobs by id (`JetbusClient.cancel(jobId)`): its `JetbusServer` watches
   * the `JETBUS_CANCELLED` bucket, terms cancelled jobs when delivered and aborts running ones
   * (`ctx.signal`). Without it `cancel` covers scheduled jobs only. @default false
   */
  cancellation?: CancellationOptions | boolean;
  /** Registry for jetbus's Prometheus metrics. @default a registry of its own (`JetbusMetrics.registry`) */
  metricsRegistry?: Registry;
  /** Payload codec: an object with a `contentType` string and `encode`/`decode` functions. @default JSON */
  codec?: Codec;
  /**
   * AES-256-GCM payload encryption of the jobs on `subjects` (and of publishes with `encrypt: true`),
   * applied after the codec; handlers on those subjects decrypt and refuse cleartext. @default off
   */
  encryption?: EncryptionOptions;
  /**
   * A pino logger, or `false` for silence. Not a level: the default logger's level comes from the
   * `JETBUS_LOG_LEVEL` environment variable. @default a pino logger at level `info`, secrets redacted
   */
  logger?: Logger | false;
}

export interface HeartbeatOptions {
  /**
   * Time between two heartbeats; at least 100ms. The `JETBUS_WORKERS` bucket's TTL is 3 intervals of
   * the process that creates it. @default '5s'
   */
  interval?: Duration;
}

export interface SchedulingOptions {
  /** The stream holding scheduled jobs until their release (subjects `jetbus.scheduled.>`). @default 'JETBUS_SCHEDULED' */
  stream?: string;
  /** Replicas of the scheduling stream in a cluster. @default 1 */
  replicas?: number;
  /**
   * `JetbusServer` releases due jobs of its handlers' subjects. `false`: this process only declares
   * the stream, schedules, lists and cancels. @default true
   */
  release?: boolean;
}

export interface JetbusModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  useFactory: (...args: never[]) => JetbusModuleOptions | Promise<JetbusModuleOptions>;
  inject?: (InjectionToken | OptionalFactoryDependency)[];
}
