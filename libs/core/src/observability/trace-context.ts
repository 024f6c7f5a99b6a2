import { randomBytes } from 'node:crypto';
import { type MsgHdrs } from '@nats-io/transport-node';

/** The W3C trace-context header jetbus carries from a job to the jobs and events it causes. */
export const TRACEPARENT = 'traceparent';

const FORMAT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

export interface TraceContext {
  traceId: string;
  spanId: string;
  flags: string;
}

/** Parses a `traceparent` value; `undefined` for anything malformed (never throws on input from the wire). */
export function parseTraceparent(value: string | undefined): TraceContext | undefined {
  const m = value ? FORMAT.exec(value.trim()) : null;
  if (!m || m[1] === 'ff' || /^0+$/.test(m[2]) || /^0+$/.test(m[3])) return undefined;
  return { traceId: m[2], spanId: m[3], flags: m[4] };
}

/** The trace context of a message's headers, if it carries a valid `traceparent`. */
export function traceFrom(headers: MsgHdrs | undefined): TraceContext | undefined {
  return headers?.has(TRACEPARENT) ? parseTraceparent(headers.get(TRACEPARENT)) : undefined;
}

/** A `traceparent` for work caused by `parent`: same trace, new span. */
export function childTraceparent(parent: TraceContext): string {
  return `00-${parent.traceId}-${randomBytes(8).toString('hex')}-${parent.flags}`;
}
