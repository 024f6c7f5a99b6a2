import { useState } from 'preact/hooks';
import { api, query } from '../api/api-client';
import { type DeadLetterPage } from '../api/types';
import { ConfirmDialog } from '../components/confirm-dialog';
import { ErrorBanner } from '../components/error-banner';
import { TimeAgo } from '../components/time-ago';
import { Mono } from '../components/untrusted-text';
import { fmtNumber } from '../format';
import { useAction, useApi } from '../hooks/use-api';
import { useCan } from '../session-context';
import { DeadLetterDrawer } from './dead-letter-drawer';
import { type DeadLetterSearch, describeFilter, searchFromParams, toFilter } from './dead-letter-filter';
import { DeadLetterSearchForm } from './dead-letter-search-form';
import { ReplayProgress } from './replay-progress';

const PAGE_SIZE = 50;

type Confirm = 'replay-all' | 'purge' | null;

export function DeadLettersPage({ params }: { params: URLSearchParams }) {
  const [search, setSearch] = useState<DeadLetterSearch>(() => searchFromParams(params));
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [open, setOpen] = useState<number | null>(null);
  const [replayId, setReplayId] = useState<string | undefined>(undefined);
  const [confirm, setConfirm] = useState<Confirm>(null);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const canOperate = useCan('operator');
  const act = useAction();

  const filter = toFilter(search);
  const cursor = cursors[cursors.length - 1];
  const url = `/api/dead-letters${query({ ...filter, limit: PAGE_SIZE, cursor })}`;
  const page = useApi(() => api.get<DeadLetterPage>(url), url);
  const items = page.data?.items ?? [];
  const allChecked = items.length > 0 && items.every((i) => selected.has(i.seq));

  const runSearch = (next: DeadLetterSearch) => {
    setSearch(next);
    setCursors([undefined]);
    setSelected(new Set());
  };
  const toggle = (seq: number) => {
    const next = new Set(selected);
    if (next.has(seq)) next.delete(seq);
    else next.add(seq);
    setSelected(next);
  };
  const toggleAll = () => setSelected(allChecked ? new Set() : new Set(items.map((i) => i.seq)));
  // An empty filter selects every dead letter: the API wants that said out loud with `all: true`.
  const everything = Object.keys(filter).length === 0;
  const startReplay = async (body: { seqs?: number[]; filter?: Record<string, string>; all?: boolean }) => {
    const res = await act.run(() => api.post<{ replayId: string }>('/api/dead-letters/replay', body));
    if (res) {
      setReplayId(res.replayId);
      setSelected(new Set());
    }
  };

  return (
    <section class="page">
      <div class="page-head">
        <h1>Dead letters</h1>
        {page.data && (
          <span class="muted" data-testid="dl-total">
            {fmtNumber(page.data.total)} matching
          </span>
        )}
      </div>
      <DeadLetterSearchForm initial={search} onSearch={runSearch} />
      <div class="toolbar">
        {canOperate ? (
          <>
            <button
              type="button"
              class="primary"
              disabled={selected.size === 0 || act.busy}
              onClick={() => void startReplay({ seqs: [...selected].sort((a, b) => a - b) })}
            >
              Replay selected ({selected.size})
            </button>
            <button
              type="button"
              disabled={!page.data || page.data.total === 0 || act.busy}
              onClick={() => setConfirm('replay-all')}
            >
              Replay all matching…
            </button>
            <button
              type="button"
              class="danger-outline"
              disabled={!page.data || page.data.total === 0}
              onClick={() => setConfirm('purge')}
            >
              Purge matching…
            </button>
          </>
        ) : (
          <span class="muted">Replaying and purging need the operator role.</span>
        )}
        <button type="button" onClick={page.reload}>
          Refresh
        </button>
      </div>
      <ErrorBanner error={act.error ?? page.error} />
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {replayId && (
        <ReplayProgress
          key={replayId}
          replayId={replayId}
          onFinished={() => {
            page.reload();
          }}
        />
      )}
      {page.data && items.length === 0 && <p class="muted">No dead letters match.</p>}
      {items.length > 0 && (
        <table class="grid">
          <thead>
            <tr>
              <th class="check">
                <input
                  type="checkbox"
                  aria-label="Select all on this page"
                  checked={allChecked}
                  onChange={toggleAll}
                />
              </th>
              <th class="num">Seq</th>
              <th>Dead since</th>
              <th>Subject</th>
              <th>Reason</th>
              <th>Error</th>
              <th class="num">Attempts</th>
              <th>Handler</th>
            </tr>
          </thead>
          <tbody>
            {items.map((d) => (
              <tr key={d.seq} class={selected.has(d.seq) ? 'selected' : undefined}>
                <td class="check">
                  <input
                    type="checkbox"
                    aria-label={`Select dead letter ${d.seq}`}
                    checked={selected.has(d.seq)}
                    onChange={() => toggle(d.seq)}
                  />
                </td>
                <td class="num">
                  <button
                    type="button"
                    class="link"
                    onClick={() => setOpen(d.seq)}
                    aria-label={`Open dead letter ${d.seq}`}
                  >
                    {d.seq}
                  </button>
                </td>
                <td class="nowrap">
                  <TimeAgo iso={d.deadAt} />
                </td>
                <td>
                  <Mono text={d.subject} />
                </td>
                <td>
                  <span class="badge">{d.reason}</span>
                </td>
                <td class="error-cell">
                  <Mono text={d.error} title />
                </td>
                <td class="num">{fmtNumber(d.attempts)}</td>
                <td>
                  <Mono text={d.handler ?? d.durable} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div class="pager">
        <button type="button" disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          ← Previous
        </button>
        <span class="muted">
          Page {cursors.length}
          {page.data ? ` · scanned ${fmtNumber(page.data.scanned)}` : ''}
        </span>
        <button
          type="button"
          disabled={!page.data?.next}
          onClick={() => page.data?.next && setCursors([...cursors, page.data.next])}
        >
          Next →
        </button>
      </div>
      {open !== null && (
        <DeadLetterDrawer
          seq={open}
          onClose={() => setOpen(null)}
          onChanged={(message) => {
            setNotice(message);
            page.reload();
          }}
        />
      )}
      {confirm === 'replay-all' && (
        <ConfirmDialog
          title="Replay all matching"
          confirmText="replay"
          action={`Replay ${fmtNumber(page.data?.total)}`}
          onClose={() => setConfirm(null)}
          onConfirm={() => startReplay(everything ? { all: true } : { filter })}
        >
          <p>
            Re-publishes {fmtNumber(page.data?.total)} dead letters matching {describeFilter(filter)} to their
            original subjects.
          </p>
        </ConfirmDialog>
      )}
      {confirm === 'purge' && (
        <ConfirmDialog
          title="Purge matching dead letters"
          confirmText="purge"
          action={`Purge ${fmtNumber(page.data?.total)}`}
          onClose={() => setConfirm(null)}
          onConfirm={async () => {
            const res = await api.post<{ purged: number }>(
              '/api/dead-letters/purge',
              everything ? { all: true } : { filter },
            );
            setNotice(`Purged ${fmtNumber(res.purged)} dead letters.`);
            setSelected(new Set());
            page.reload();
          }}
        >
          <p>
            Deletes {fmtNumber(page.data?.total)} dead letters matching {describeFilter(filter)} for good.
            Their jobs will not run again.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
