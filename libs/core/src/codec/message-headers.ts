import { type JsMsg, type StoredMsg } from '@nats-io/jetstream';
import { type MsgHdrs, headers as natsHeaders } from '@nats-io/transport-node';

/** How much of an undecodable header block a dead letter keeps (escaped). */
const RAW_HEADERS_MAX = 2_048;

/** A message's headers as far as they decode, and the block itself when part of it did not. */
export interface ReadHeaders {
  /** Every header line nats.js accepts; undefined when the message has no header block. */
  headers: MsgHdrs | undefined;
  /**
   * Set when nats.js cannot decode the header block (a header name with a space or a control
   * character, as a raw `HPUB` can send): the block as received, with control and non-ASCII
   * characters escaped, cut at 2 KiB.
   */
  undecodable?: string;
}

const decodedOnce = new WeakMap<object, ReadHeaders>();
/** The answer for a job without a header block (most jobs): one shared object, nothing allocated per job. */
const NO_HEADERS: ReadHeaders = Object.freeze({ headers: undefined });
const decoder = new TextDecoder();

/**
 * The headers of a delivered job. nats.js decodes headers lazily and its getter throws on a name it
 * rejects, on every access: one such message would make every `msg.headers` in the runner, the
 * context, the trace helper and the dead-letter writer throw, and the job could never be settled.
 * Every jetbus read of a job's headers goes through here instead.
 */
export function jobHeaders(msg: JsMsg): ReadHeaders {
  // The fast path is the getter itself; only a failure pays for the lenient parse (cached).
  try {
    const headers = msg.headers;
    return headers ? { headers } : NO_HEADERS;
  } catch {
    return lenient(msg, () => rawJobHeaderBlock(msg));
  }
}

/** The headers of a message read with `getMessage` (the reaper, the DLQ store), never throwing. */
export function storedHeaders(msg: StoredMsg): ReadHeaders {
  try {
    return { headers: msg.header };
  } catch {
    return lenient(msg, () => rawStoredHeaderBlock(msg));
  }
}

function lenient(msg: object, raw: () => Uint8Array | undefined): ReadHeaders {
  let read = decodedOnce.get(msg);
  if (!read) {
    const block = raw();
    read = block ? parseLeniently(block) : { headers: undefined, undecodable: '(header block not readable)' };
    decodedOnce.set(msg, read);
  }
  return read;
}

/**
 * Keeps each `Name: value` line nats.js accepts and drops the others; the whole block is kept,
 * escaped, so nothing the sender wrote is lost from the dead letter.
 */
export function parseLeniently(block: Uint8Array): ReadHeaders {
  const text = decoder.decode(block);
  const h = natsHeaders();
  for (const line of text.split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    try {
      h.append(line.slice(0, colon), line.slice(colon + 1).trim());
    } catch {
      // A name nats.js rejects: left out of the usable headers, still in `undecodable`.
    }
  }
  return { headers: h, undecodable: escapeControl(text).slice(0, RAW_HEADERS_MAX) };
}

/** Escapes control characters, DEL, C1 and everything past ASCII as `\xNN` / `\uNNNN`. */
export function escapeControl(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, (c) => {
    if (c === '\r') return '\\r';
    if (c === '\n') return '\\n';
    const code = c.charCodeAt(0);
    return code < 0x100
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * nats.js keeps the received bytes of a message (`_rdata`, header length `_msg.hdr`) but offers no
 * public way to them; read only after its own decoder failed, or when a dead letter must keep the
 * block as it was sent (see `DeadLetterInput.headerBlock`).
 */
export function rawJobHeaderBlock(msg: JsMsg): Uint8Array | undefined {
  const inner = (msg as unknown as { msg?: { _rdata?: unknown; _msg?: { hdr?: unknown } } }).msg;
  const data = inner?._rdata;
  const hdr = inner?._msg?.hdr;
  if (!(data instanceof Uint8Array) || typeof hdr !== 'number' || hdr < 0) return undefined;
  return data.subarray(0, hdr);
}

/** STREAM.MSG.GET returns headers base64-encoded (`message.hdrs`); see `rawJobHeaderBlock`. */
export function rawStoredHeaderBlock(msg: StoredMsg): Uint8Array | undefined {
  const hdrs = (msg as unknown as { smr?: { message?: { hdrs?: unknown } } }).smr?.message?.hdrs;
  return typeof hdrs === 'string' ? Buffer.from(hdrs, 'base64') : undefined;
}
