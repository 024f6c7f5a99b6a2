import { type MsgHdrs } from '@nats-io/transport-node';

/** JetStream refuses a message whose header block is larger ("header size exceeds maximum allowed of 64k"). */
export const JETSTREAM_HEADERS_MAX = 65_535;

/**
 * Bytes a header block takes on the wire (`NATS/1.0\r\n`, `k: v\r\n` each, `\r\n`): with the
 * payload, what the server's max_payload limits.
 */
export function headerBytes(h: MsgHdrs): number {
  let n = 12;
  for (const [k, values] of h) for (const v of values) n += Buffer.byteLength(k) + Buffer.byteLength(v) + 4;
  return n;
}
