import {
  escapeControlChars,
  type PayloadFormat,
  type PayloadView,
  payloadEncryptionNote,
  viewPayload,
} from '../payload-view';
import { type ReadMessage } from './stream-reader';

/** A stored message as the API returns it: every text that came from a publisher is escaped. */
export interface MessageView {
  seq: number;
  subject: string;
  /** ISO time the stream stored it. */
  time: string;
  /** Payload size in bytes. */
  size: number;
  /** `[name, value]` pairs in the stored order; a repeated header stays repeated. */
  headers: [string, string][];
  payload: PayloadView;
}

export function toMessageView(msg: ReadMessage, format: PayloadFormat): MessageView {
  return {
    seq: msg.seq,
    subject: escapeControlChars(msg.subject),
    time: msg.time,
    size: msg.data.length,
    headers: msg.headers.map(([name, value]) => [escapeControlChars(name), escapeControlChars(value)]),
    payload: viewPayload(msg.data, { format, encryption: payloadEncryptionNote(msg.headers) }),
  };
}
