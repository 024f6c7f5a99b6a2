import { type JetStreamManager } from '@nats-io/jetstream';
import { type StoredAuditEntry } from '@jetbus/admin';

/** Every entry of the audit stream, oldest first, read straight from JetStream (not through the app). */
export async function auditTrail(
  jsm: JetStreamManager,
  stream = 'JETBUS_AUDIT',
): Promise<StoredAuditEntry[]> {
  const { state } = await jsm.streams.info(stream);
  const entries: StoredAuditEntry[] = [];
  for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq++) {
    const msg = await jsm.streams.getMessage(stream, { seq });
    if (msg) entries.push({ ...msg.json<Omit<StoredAuditEntry, 'seq'>>(), seq });
  }
  return entries;
}
