import { useState } from 'preact/hooks';
import { api, query } from '../api/api-client';
import { type AuditItem } from '../api/types';
import { ErrorBanner } from '../components/error-banner';
import { FilterField } from '../components/filter-field';
import { FilterForm } from '../components/filter-form';
import { Pager } from '../components/pager';
import { TimeField } from '../components/time-field';
import { Mono, UntrustedText } from '../components/untrusted-text';
import { fmtTime, localInputToIso } from '../format';
import { useApi } from '../hooks/use-api';
import { useDraft } from '../hooks/use-draft';
import { usePages } from '../hooks/use-pages';

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
  if (e.count !== undefined) parts.push(`${e.count} times from ${e.firstAt ?? '?'} to ${e.lastAt ?? '?'}`);
  return parts.join(' · ');
}

export function AuditPage() {
  const draft = useDraft<AuditFilter>(EMPTY);
  const [filter, setFilter] = useState<AuditFilter>(EMPTY);
  const pages = usePages<number>();
  const url = `/api/audit${query({ ...params(filter), limit: PAGE_SIZE, before: pages.cursor })}`;
  const audit = useApi(() => api.get<{ items: AuditItem[]; next: number | null }>(url), url);
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
      <FilterForm
        label="Audit filter"
        submit="Filter"
        onSubmit={() => {
          setFilter(draft.value);
          pages.reset();
        }}
      >
        <FilterField label="Search" width="grow">
          <input {...draft.text('q')} type="search" />
        </FilterField>
        <FilterField label="Actor">
          <input {...draft.text('actor')} />
        </FilterField>
        <FilterField label="Action">
          <input {...draft.text('action')} placeholder="dlq.replay" />
        </FilterField>
        <FilterField label="Result" width="narrow">
          <select {...draft.select('result')}>
            <option value="">any</option>
            <option value="ok">ok</option>
            <option value="error">error</option>
          </select>
        </FilterField>
        <TimeField label="Since" {...draft.text('since')} />
        <TimeField label="Until" {...draft.text('until')} />
      </FilterForm>
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
      <Pager pages={pages} next={audit.data?.next} backLabel="← Newer" forwardLabel="Older →" />
    </section>
  );
}
