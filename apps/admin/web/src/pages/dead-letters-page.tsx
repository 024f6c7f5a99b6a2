import { useState } from 'preact/hooks';
import { api, query } from '../api/api-client';
import { type DeadLetterPage } from '../api/types';
import { ConfirmDialog } from '../components/confirm-dialog';
import { ErrorBanner } from '../components/error-banner';
import { Pager } from '../components/pager';
import { TimeAgo } from '../components/time-ago';
import { Mono } from '../components/untrusted-text';
import { fmtNumber, plural } from '../format';
import { useAction, useApi } from '../hooks/use-api';
import { usePages } from '../hooks/use-pages';
import { useCan } from '../session-context';
import { DeadLetterDrawer } from './dead-letter-drawer';
import { type DeadLetterSearch, describeFilter, searchFromParams, toFilter } from './dead-letter-filter';
import { DeadLetterSearchForm } from './dead-letter-search-form';
import { ReplayProgress } from './replay-progress';

const PAGE_SIZE = 50;

type Confirm = 'replay-all' | 'purge' | null;

/** A dry run's answer: how many dead letters the filter selects, and how many of them can be replayed. */
interface ReplayPlan {
  total: number;
  replayable: number;
}

/** What a bulk replay acts on: named sequences, a filter, or everything. */
type ReplaySelection = { seqs?: number[]; filter?: Record<string, string>; all?: boolean };

export function DeadLettersPage({ params }: { params: URLSearchParams }) {
  const [search, setSearch] = useState<DeadLetterSearch>(() => searchFromParams(params));
  const pages = usePages<string>();
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [open, setOpen] = useState<number | null>(null);
  const [replayId, setReplayId] = useState<string | undefined>(undefined);
  const [confirm, setConfirm] = useState<Confirm>(null);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const [plan, setPlan] = useState<ReplayPlan | undefined>(undefined);
  const canOperate = useCan('operator');
  const act = useAction();

  const filter = toFilter(search);
  const url = `/api/dead-letters${query({ ...filter, limit: PAGE_SIZE, cursor: pages.cursor })}`;
  const page = useApi(() => api.get<DeadLetterPage>(url), url);
  const items = page.data?.items ?? [];
  const allChecked = items.length > 0 && items.every((i) => selected.has(i.seq));

  const runSearch = (next: DeadLetterSearch) => {
    setSearch(next);
    pages.reset();
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
  const selection = everything ? { all: true } : { filter };
  /**
   * Search pages count only what they examined, so a bulk action first asks the server for a dry
   * run: the confirmation then states exactly how many dead letters it will touch.
   */
  const askFirst = async (what: Exclude<Confirm, null>) => {
    const counted = await act.run(() =>
      api.post<ReplayPlan>('/api/dead-letters/replay', { ...selection, dryRun: true }),
    );
    if (counted) {
      setPlan(counted);
      setConfirm(what);
    }
  };
  /** Starts a bulk replay; a refusal (e.g. 429 REPLAY_LIMIT: too many running) is thrown to the caller. */
  const launchReplay = async (body: ReplaySelection) => {
    const res = await api.post<{ replayId: string }>('/api/dead-letters/replay', body);
    setReplayId(res.replayId);
    setSelected(new Set());
  };
  const startReplay = (body: ReplaySelection) => act.run(() => launchReplay(body));

  return (
    <section class="page">
      <div class="page-head">
        <h1>Dead letters</h1>
        {page.data && (
          <span class="muted">
            <span data-testid="dl-total">{plural(page.data.total, 'dead letter')}</span> in the stream
            {/* The exact count of matches is known when the first page holds them all. */}
            {!everything && pages.number === 1 && !page.data.next && (
              <>
                {' · '}
                <span data-testid="dl-matching">{fmtNumber(items.length)} matching</span>
              </>
            )}
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
              disabled={!page.data || items.length === 0 || act.busy}
              onClick={() => void askFirst('replay-all')}
            >
              Replay all matching…
            </button>
            <button
              type="button"
              class="danger-outline"
              disabled={!page.data || items.length === 0 || act.busy}
              onClick={() => void askFirst('purge')}
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
      <Pager pages={pages} next={page.data?.next}>
        {page.data ? ` · scanned ${fmtNumber(page.data.scanned)}` : ''}
      </Pager>
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
      {confirm === 'replay-all' && plan && (
        <ConfirmDialog
          title="Replay all matching"
          confirmText="replay"
          action={`Replay ${fmtNumber(plan.replayable)}`}
          onClose={() => setConfirm(null)}
          // The dialog shows a refusal where the operator confirmed, rather than closing over it.
          onConfirm={() => launchReplay(selection)}
        >
          <p>
            Re-publishes {plural(plan.replayable, 'dead letter')} matching {describeFilter(filter)} to their
            original subjects.
            {plan.replayable < plan.total &&
              ` ${fmtNumber(plan.total - plan.replayable)} more match but cannot be replayed.`}
          </p>
        </ConfirmDialog>
      )}
      {confirm === 'purge' && plan && (
        <ConfirmDialog
          title="Purge matching dead letters"
          confirmText="purge"
          action={`Purge ${fmtNumber(plan.total)}`}
          onClose={() => setConfirm(null)}
          onConfirm={async () => {
            const res = await api.post<{ purged: number }>('/api/dead-letters/purge', selection);
            setNotice(`Purged ${plural(res.purged, 'dead letter')}.`);
            setSelected(new Set());
            page.reload();
          }}
        >
          <p>
            Deletes {plural(plan.total, 'dead letter')} matching {describeFilter(filter)} for good. Their jobs
            will not run again.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
