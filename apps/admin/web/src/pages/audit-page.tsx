import { useState } from 'preact/hooks';
import { api, query } from '../api/api-client';
import { type AuditItem } from '../api/types';
import { ErrorBanner } from '../components/error-banner';
import { Mono, UntrustedText } from '../components/untrusted-text';
import { fmtTime, localInputToIso } from '../format';
import { useApi } from '../hooks/use-api';

interface AuditFilter {
  actor: string;
  action: string;
  q: string;
  result: string;
  since: string;
  until: string;
}

const EMPTY: AuditFilter = { actor: '', action: '', q: '', result: '', since: '', until: '' };
const PAGE_SIZE = 50;

const params = (f: AuditFilter) => ({
  actor: f.actor.trim(),
  action: f.action.trim(),
  q: f.q.trim(),
  result: f.result,
  since: localInputToIso(f.since),
  until: localInputToIso(f.until),
});

/** What an entry changed or reported, one line of text (its JSON), for the details column. */
function details(e: AuditItem): string {
  const parts: string[] = [];
  if (e.filter !== undefined) parts.push(`filter ${JSON.stringify(e.filter)}`);
  if (e.before !== undefined) parts.push(`before ${JSON.stringify(e.before)}`);
  if (e.after !== undefined) parts.push(`after ${JSON.stringify(e.after)}`);
  if (e.outcome !== undefined) parts.push(`outcome ${JSON.stringify(e.outcome)}`);
  if (e.error) parts.push(`error ${e.error}`);
  return parts.join(' · ');
}

export function AuditPage() {
  const [draft, setDraft] = useState<AuditFilter>(EMPTY);
  const [filter, setFilter] = useState<AuditFilter>(EMPTY);
  const [befores, setBefores] = useState<(number | undefined)[]>([undefined]);
  const before = befores[befores.length - 1];
  const url = `/api/audit${query({ ...params(filter), limit: PAGE_SIZE, before })}`;
  const audit = useApi(() => api.get<{ items: AuditItem[]; next: number | null }>(url), url);
  const set = (patch: Partial<AuditFilter>) => setDraft({ ...draft, ...patch });
  const items = audit.data?.items ?? [];
  return (
    <section class="page">
      <div class="page-head">
        <h1>Audit log</h1>
        <div class="actions">
          <button type="button" onClick={audit.reload}>
            Refresh
          </button>
          {/* The export streams NDJSON with the session cookie; a plain link downloads it. */}
          <a class="button" href={`/api/audit/export${query(params(filter))}`} download="jetbus-audit.ndjson">
            Export NDJSON
          </a>
        </div>
      </div>
      <form
        class="filters"
        aria-label="Audit filter"
        onSubmit={(e) => {
          e.preventDefault();
          setFilter(draft);
          setBefores([undefined]);
        }}
      >
        <label class="field grow">
          <span>Search</span>
          <input name="q" type="search" value={draft.q} onInput={(e) => set({ q: e.currentTarget.value })} />
        </label>
        <label class="field">
          <span>Actor</span>
          <input name="actor" value={draft.actor} onInput={(e) => set({ actor: e.currentTarget.value })} />
        </label>
        <label class="field">
          <span>Action</span>
          <input
            name="action"
            placeholder="dlq.replay"
            value={draft.action}
            onInput={(e) => set({ action: e.currentTarget.value })}
          />
        </label>
        <label class="field narrow">
          <span>Result</span>
          <select name="result" value={draft.result} onChange={(e) => set({ result: e.currentTarget.value })}>
            <option value="">any</option>
            <option value="ok">ok</option>
            <option value="error">error</option>
          </select>
        </label>
        <label class="field">
          <span>Since</span>
          <input
            name="since"
            type="datetime-local"
            step={1}
            value={draft.since}
            onInput={(e) => set({ since: e.currentTarget.value })}
          />
        </label>
        <label class="field">
          <span>Until</span>
          <input
            name="until"
            type="datetime-local"
            step={1}
            value={draft.until}
            onInput={(e) => set({ until: e.currentTarget.value })}
          />
        </label>
        <button type="submit" class="primary">
          Filter
        </button>
      </form>
      <ErrorBanner error={audit.error} />
      {audit.data && items.length === 0 && <p class="muted">No entries match.</p>}
      {items.length > 0 && (
        <table class="grid audit">
          <thead>
            <tr>
              <th>Time</th>
              <th>Actor</th>
              <th>Action</th>
              <th>Target</th>
              <th>Result</th>
              <th>Details</th>
            </tr>
          </thead>
          <tbody>
            {items.map((e) => (
              <tr key={e.seq} class={e.result === 'error' ? 'failed' : undefined}>
                <td class="nowrap">{fmtTime(e.at)}</td>
                <td>
                  <Mono text={e.actor} />
                  <div class="sub">
                    {e.role} · {e.via}
                    {e.ip ? ` · ${e.ip}` : ''}
                  </div>
                </td>
                <td>
                  <Mono text={e.action} />
                </td>
                <td>
                  <Mono text={e.target} />
                </td>
                <td>
                  <span class={`badge ${e.result === 'ok' ? 'ok' : 'bad'}`}>{e.result}</span>
                </td>
                <td class="details">
                  {details(e) && (
                    <details>
                      <summary>
                        <Mono text={details(e)} />
                      </summary>
                      <pre class="code">
                        <UntrustedText text={JSON.stringify(e, null, 2)} multiline />
                      </pre>
                    </details>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div class="pager">
        <button type="button" disabled={befores.length <= 1} onClick={() => setBefores(befores.slice(0, -1))}>
          ← Newer
        </button>
        <span class="muted">Page {befores.length}</span>
        <button
          type="button"
          disabled={!audit.data || audit.data.next === null}
          onClick={() => audit.data?.next != null && setBefores([...befores, audit.data.next])}
        >
          Older →
        </button>
      </div>
    </section>
  );
}
