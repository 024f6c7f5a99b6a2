import {
  type DirectMsgRequest,
  type JetStreamManager,
  type MsgRequest,
  type StoredMsg,
} from '@nats-io/jetstream';
import { isMessageGone } from '@jetbus/core';

/** Headers a direct get adds to the stored ones (nats-server appends them last). */
const DIRECT_HEADERS = [
  'Nats-Stream',
  'Nats-Sequence',
  'Nats-Time-Stamp',
  'Nats-Subject',
  'Nats-Last-Sequence',
  'Nats-Num-Pending',
];

/** A stored message as the message browser reads it, whichever API it came from. */
export interface ReadMessage {
  seq: number;
  subject: string;
  /** ISO time the stream stored it. */
  time: string;
  data: Uint8Array;
  /** Stored headers in order, repeated names kept. */
  headers: [string, string][];
}

/**
 * Reads one message at a time from a stream: with `DIRECT.GET` when the stream allows it (any
 * replica answers, no leader round trip), else `STREAM.MSG.GET`. `next()` asks for the first
 * message at or after a sequence matching a subject (`next_by_subj`, nats-server 2.9+), so a run
 * of deleted sequences of any length costs one request, and the stream is never loaded whole.
 */
export class StreamReader {
  constructor(
    private readonly jsm: JetStreamManager,
    private readonly stream: string,
    private readonly direct: boolean,
  ) {}

  /** The first message stored at or after `seq` whose subject matches `filter` (wildcards allowed). */
  next(seq: number, filter: string): Promise<ReadMessage | null> {
    return this.get({ seq, next_by_subj: filter });
  }

  /** Exactly message `seq`, or null when it is not stored (deleted, purged, never written). */
  at(seq: number): Promise<ReadMessage | null> {
    return this.get({ seq });
  }

  private async get(query: DirectMsgRequest): Promise<ReadMessage | null> {
    let msg: StoredMsg | null;
    try {
      msg = this.direct
        ? await this.jsm.direct.getMessage(this.stream, query)
        : // nats.js 3.4 types STREAM.MSG.GET as seq or last_by_subj only, but sends the request as given.
          await this.jsm.streams.getMessage(this.stream, query as MsgRequest);
    } catch (e) {
      if (isMessageGone(e)) return null;
      throw e;
    }
    return msg && this.read(msg);
  }

  private read(msg: StoredMsg): ReadMessage {
    const headers: [string, string][] = [];
    for (const name of msg.header?.keys() ?? []) {
      const values = msg.header.values(name);
      // The direct-get headers come after any the publisher set under the same name.
      const kept = this.direct && DIRECT_HEADERS.includes(name) ? values.slice(0, -1) : values;
      for (const value of kept) headers.push([name, value]);
    }
    return {
      seq: msg.seq,
      subject: msg.subject,
      time: msg.time.toISOString(),
      data: msg.data,
      headers,
    };
  }
}
