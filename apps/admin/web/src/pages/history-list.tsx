import { Mono } from '../components/untrusted-text';
import { fmtTime } from '../format';

/** Replays and edits of one dead letter, oldest first; entries are shown field by field, as text. */
export function HistoryList({ history }: { history: unknown[] | null | undefined }) {
  if (!history || history.length === 0) return <p class="muted">Never replayed or edited.</p>;
  return (
    <ol class="history">
      {history.map((h, i) => {
        const entry = h && typeof h === 'object' ? (h as Record<string, unknown>) : { value: h };
        const at = typeof entry.at === 'string' ? entry.at : undefined;
        const rest = Object.entries(entry).filter(([k]) => k !== 'at');
        return (
          <li key={i}>
            {at && <span class="when">{fmtTime(at)}</span>}
            {rest.map(([k, v]) => (
              <span key={k} class="field-pair">
                <span class="k">{k}</span> <Mono text={typeof v === 'string' ? v : JSON.stringify(v)} />
              </span>
            ))}
          </li>
        );
      })}
    </ol>
  );
}
