import { type ModuleMetadata, type InjectionToken, type OptionalFactoryDependency } from '@nestjs/common';
import { type Authenticator } from '@nats-io/transport-node';
import { type Logger } from 'pino';
import { type Registry } from 'prom-client';
import { type Codec } from '../codec';
import { type DeadLetterOptions } from '../dead-letter/dead-letter.options';
import { type JobHandlerOptions } from '../handlers/job-handler.options';
import { type Duration } from '../retry';
import { type JetbusStreamOptions } from './jetbus-stream.options';

/** TLS for the client connection. Files are read by nats.js; PEM strings may be given instead. */
export interface JetbusTlsOptions {
  caFile?: string;
  /** Client certificate for mutual TLS. */
  certFile?: string;
  keyFile?: string;
  ca?: string;
  cert?: string;
  key?: string;
}

export interface JetbusModuleOptions {
  /** NATS server URL(s), e.g. `nats://127.0.0.1:4222`. Required. */
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
  /** Reply subject prefix; least-privilege users get their own (`_INBOX_<user>`). @default '_INBOX' */
  inboxPrefix?: string;
  /** Streams ensured at startup. @default [] */
  streams?: JetbusStreamOptions[];
  /** @default '5s' */
  connectTimeout?: Duration;
  /** Reconnect forever (-1) by default: a worker must outlive a server restart. @default -1 */
  maxReconnectAttempts?: number;
  /** @default '1s' */
  reconnectTimeWait?: Duration;
  /** How long `publish` waits for the PubAck. @default '5s' */
  publishTimeout?: Duration;
  /** Outstanding PubAcks `publishMany` keeps in flight. @default 256 */
  publishWindow?: number;
  /** Defaults for every `@JobHandler` of this module; each handler may override them. */
  handlerDefaults?: JobHandlerOptions;
  /** On shutdown, how long in-flight handlers may finish before they are aborted and nak'ed. @default '10s' */
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
  /** Registry for jetbus's Prometheus metrics. @default a registry of its own (`JetbusMetrics.registry`) */
  metricsRegistry?: Registry;
  /** Payload codec. @default JSON */
  codec?: Codec;
  /** A pino logger, or `false` for silence. @default a pino logger at level `info`, secrets redacted */
  logger?: Logger | false;
}

export interface JetbusModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  useFactory: (...args: never[]) => JetbusModuleOptions | Promise<JetbusModuleOptions>;
  inject?: (InjectionToken | OptionalFactoryDependency)[];
}
