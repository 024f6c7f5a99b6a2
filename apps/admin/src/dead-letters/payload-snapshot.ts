import { viewPayload } from '../payload-view';

/** Most payload an audit entry keeps, in characters of text or bytes before base64. */
export const AUDIT_PAYLOAD_MAX = 64 * 1024;

/** A payload as the audit trail keeps it: the text view (base64 when binary), capped. */
export interface PayloadSnapshot {
  encoding: 'utf8' | 'base64';
  payload: string;
  bytes: number;
  note?: string;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The payload for the audit entry of an edit: UTF-8 text as its view text (control characters
 * escaped), anything else as base64, cut at 64 KiB with a note, so one edit of a large job cannot
 * bloat the append-only trail.
 */
export function payloadSnapshot(data: Uint8Array): PayloadSnapshot {
  const bytes = data.byteLength;
  const cutNote = `cut at ${AUDIT_PAYLOAD_MAX} of ${bytes} bytes`;
  try {
    strictUtf8.decode(data);
  } catch {
    const kept = data.subarray(0, AUDIT_PAYLOAD_MAX);
    return {
      encoding: 'base64',
      payload: Buffer.from(kept).toString('base64'),
      bytes,
      ...(bytes > AUDIT_PAYLOAD_MAX ? { note: cutNote } : {}),
    };
  }
  const view = viewPayload(data, { format: 'text', maxChars: AUDIT_PAYLOAD_MAX });
  const textNote = `cut at ${AUDIT_PAYLOAD_MAX} characters of ${bytes} bytes`;
  return { encoding: 'utf8', payload: view.text, bytes, ...(view.truncated ? { note: textNote } : {}) };
}
