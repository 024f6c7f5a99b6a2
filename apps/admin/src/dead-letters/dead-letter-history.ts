import { type StoredAuditEntry } from '../audit/audit-entry';
import { AUDIT_SUBJECT_PREFIX } from '../audit/audit.service';
import { type DeadLetterHistoryEntryDto } from './dto/dead-letter-detail.dto';
import { type StreamWindowReader } from './stream-window-reader';

/** How far back in the audit stream a dead letter's history is looked up, in audit entries. */
export const HISTORY_LOOKBACK = 100_000;

/** The audit target of one dead letter: `<DLQ stream>/<seq>`. */
export const deadLetterTarget = (stream: string, seq: number): string => `${stream}/${seq}`;

/** What single-entry actions record in `before`, so a job's history follows it across DLQ entries. */
export interface AuditedJob {
  jobId: string;
  subject: string;
}

/**
 * The edit-and-replay history of a dead letter, read back from the audit stream: entries whose
 * target is this dead letter, or whose job id is this job's (it was dead-lettered, replayed and
 * dead-lettered again under a new sequence). Only the `dlq.*` subjects of the newest
 * `HISTORY_LOOKBACK` audit entries are read (the server filters them), oldest first.
 */
export async function readHistory(
  audit: { reader: StreamWindowReader; firstSeq: number; lastSeq: number },
  target: string,
  jobId: string | undefined,
): Promise<DeadLetterHistoryEntryDto[]> {
  const subject = `${AUDIT_SUBJECT_PREFIX}.dlq.>`;
  const from = Math.max(audit.firstSeq, audit.lastSeq - HISTORY_LOOKBACK + 1);
  const window = await audit.reader.open(from, subject);
  const out: DeadLetterHistoryEntryDto[] = [];
  for await (const msg of window.read()) {
    if (msg.seq > audit.lastSeq) break;
    const entry = parseEntry(msg.data, msg.seq);
    if (!entry) continue;
    const job = entry.before as Partial<AuditedJob> | undefined;
    if (entry.target !== target && (jobId === undefined || job?.jobId !== jobId)) continue;
    out.push({
      auditSeq: entry.seq,
      at: entry.at,
      actor: entry.actor,
      action: entry.action,
      target: entry.target,
      result: entry.result,
      ...(entry.before !== undefined ? { before: entry.before } : {}),
      ...(entry.after !== undefined ? { after: entry.after } : {}),
      ...(entry.outcome !== undefined ? { outcome: entry.outcome } : {}),
      ...(entry.error !== undefined ? { error: entry.error } : {}),
    });
  }
  return out;
}

function parseEntry(data: Uint8Array, seq: number): StoredAuditEntry | undefined {
  try {
    const parsed = JSON.parse(new TextDecoder().decode(data)) as StoredAuditEntry;
    return typeof parsed === 'object' && parsed !== null ? { ...parsed, seq } : undefined;
  } catch {
    return undefined;
  }
}
