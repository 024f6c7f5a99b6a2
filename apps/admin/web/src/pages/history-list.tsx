import { type DeadLetterHistoryEntry } from '../api/types';
import { Mono } from '../components/untrusted-text';
import { fmtTime } from '../format';

/** Long before/after values (whole payloads) are cut for the list; the audit log has them in full. */
const MAX_SHOWN = 240;

const shown = (value: unknown): string => {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
};

/** Replays and edits of this job, oldest first, as the audit trail recorded them. */
export function HistoryList({ history }: { history: DeadLetterHistoryEntry[] | null | undefined }) {
  if (!history || history.length === 0) return <p class="muted">Never replayed or edited.</p>;
  return (
    <ol class="history">
      {history.map((h) => (
        <li key={h.auditSeq}>
          <span class="when">{fmtTime(h.at)}</span>
          <Mono text={h.action} /> by <Mono text={h.actor} />{' '}
          <span class={`badge ${h.result === 'ok' ? 'ok' : 'bad'}`}>{h.result}</span>
          {h.error && (
            <div class="sub">
              <Mono text={h.error} />
            </div>
          )}
          {h.before !== undefined && (
            <div class="sub">
              before <Mono text={shown(h.before)} />
            </div>
          )}
          {h.after !== undefined && (
            <div class="sub">
              after <Mono text={shown(h.after)} />
            </div>
          )}
        </li>
      ))}
    </ol>
  );
}
