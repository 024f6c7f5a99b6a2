import { useEffect, useState } from 'preact/hooks';
import { api, query, seg } from '../api/api-client';
import { type CancelledJob, type ScheduledItem, type ScheduledPage as Page } from '../api/types';
import { ConfirmDialog } from '../components/confirm-dialog';
import { ErrorBanner } from '../components/error-banner';
import { FilterField } from '../components/filter-field';
import { FilterForm } from '../components/filter-form';
import { Pager } from '../components/pager';
import { TimeAgo } from '../components/time-ago';
import { Mono, UntrustedText } from '../components/untrusted-text';
import { fmtBytes, fmtDuration, fmtNumber, fmtTime } from '../format';
import { useApi } from '../hooks/use-api';
import { useDraft } from '../hooks/use-draft';
import { usePages } from '../hooks/use-pages';
import { useCan } from '../session-context';
import { CancelJobForm } from './cancel-job-form';

const PAGE_SIZE = 50;
/** The list is re-read this often: jobs come due and are released while the page is open. */
const POLL_MS = 5_000;

/** The current time, updated every second, for the "time left" column. */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1_000);
    return () => window.clearInterval(timer);
  }, []);
  return now;
}

/** "in 3 min 12 s"; "due" once the time has passed (a worker releases it within about a second). */
function timeLeft(item: ScheduledItem, now: number): string {
  if (item.deliverAt === null) return 'now (no readable due time)';
  const left = Date.parse(item.deliverAt) - now;
  return left > 0 ? `in ${fmtDuration(left)}` : 'due, releasing';
}

/**
 * `#/scheduled`: delayed jobs waiting for their due time, with cancel for operators, and for them
 * also a form to cancel any job (queued or running too) by its id.
 */
export function ScheduledPage() {
  const canOperate = useCan('operator');
  const now = useNow();
  const draft = useDraft({ subject: '' });
  const [subject, setSubject] = useState('');
  const pages = usePages<string>();
  const [cancelling, setCancelling] = useState<ScheduledItem | undefined>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const url = `/api/scheduled${query({ subject: subject.trim(), limit: PAGE_SIZE, cursor: pages.cursor })}`;
  const page = useApi(() => api.get<Page>(url), url, POLL_MS);
  const items = page.data?.items ?? [];

  const cancel = async (item: ScheduledItem) => {
    const done = await api.post<CancelledJob>(`/api/scheduled/${seg(item.jobId)}/cancel`);
    setNotice(`Job ${done.jobId} cancelled: it will not be released.`);
    page.reload();
  };

  return (
    <section class="page">
      <div class="page-head">
        <h1>Scheduled jobs</h1>
        <div class="actions">
          <span class="muted">{page.data ? `${fmtNumber(page.data.total)} waiting (all subjects)` : ''}</span>
          <button type="button" onClick={page.reload}>
            Refresh
          </button>
        </div>
      </div>
      <FilterForm
        label="Scheduled jobs filter"
        submit="Filter"
        onSubmit={() => {
          setSubject(draft.value.subject);
          pages.reset();
        }}
      >
        <FilterField label="Subject" width="grow">
          <input {...draft.text('subject')} placeholder="orders.> (wildcards allowed)" />
        </FilterField>
      </FilterForm>
      <p class="muted small">
        In the order they were scheduled, not by due time. A worker with a handler for the subject releases
        each job at its due time.{canOperate ? '' : ' Cancelling needs the operator role.'}
      </p>
      <ErrorBanner error={page.error} />
      {notice && (
        <p class="notice" role="status">
          <UntrustedText text={notice} />
        </p>
      )}
      {page.data && items.length === 0 && <p class="muted">No scheduled jobs{subject ? ' match' : ''}.</p>}
      {items.length > 0 && (
        <table class="grid scheduled">
          <thead>
            <tr>
              <th>Due</th>
              <th>Time left</th>
              <th>Subject</th>
              <th>Job id</th>
              <th>Scheduled</th>
              <th class="num">Size</th>
              {canOperate && <th aria-label="Actions" />}
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.seq}>
                <td class="nowrap">
                  <time dateTime={item.deliverAt ?? undefined}>{fmtTime(item.deliverAt)}</time>
                </td>
                <td class="nowrap">{timeLeft(item, now)}</td>
                <td>
                  <Mono text={item.subject} />
                </td>
                <td>
                  <Mono text={item.jobId} />
                </td>
                <td class="nowrap">
                  <TimeAgo iso={item.scheduledAt} />
                </td>
                <td class="num">{fmtBytes(item.bytes)}</td>
                {canOperate && (
                  <td>
                    <button
                      type="button"
                      class="danger-outline"
                      aria-label={`Cancel job ${item.jobId}`}
                      onClick={() => {
                        setNotice(undefined);
                        setCancelling(item);
                      }}
                    >
                      Cancel…
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager pages={pages} next={page.data?.next} />
      {/* A cancelled scheduled job leaves the list: read it again. */}
      {canOperate && <CancelJobForm onDone={page.reload} />}
      {cancelling && (
        <ConfirmDialog
          title="Cancel scheduled job"
          confirmText="cancel"
          action="Cancel job"
          onConfirm={() => cancel(cancelling)}
          onClose={() => setCancelling(undefined)}
        >
          <p>
            Job <Mono text={cancelling.jobId} /> for <Mono text={cancelling.subject} />, due{' '}
            {fmtTime(cancelling.deliverAt)}, will never be released. If a worker releases it first, the cancel
            is refused and says so.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
