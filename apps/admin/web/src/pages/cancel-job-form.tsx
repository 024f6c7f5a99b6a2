import { useState } from 'preact/hooks';
import { api, seg } from '../api/api-client';
import { type JobCancelResult } from '../api/types';
import { ConfirmDialog } from '../components/confirm-dialog';
import { FilterField } from '../components/filter-field';
import { Mono, UntrustedText } from '../components/untrusted-text';

/**
 * What the answer means for the operator, in the words of `cancel`'s contract. The handler name is
 * written by a worker: the caller shows the sentence as untrusted text.
 */
function explain(result: JobCancelResult): string {
  if (result.scheduled === 'cancelled') return 'It was scheduled and will never be released.';
  const c = result.cancellation;
  if (result.outcome === 'cancelled' && c) {
    const how =
      c.while === 'running'
        ? 'A worker aborted it while it was running'
        : 'A worker termed it when it was delivered, before it ran';
    const by = c.handler ? ` (${c.handler})` : '';
    return `${how}${by}${c.deadLettered ? ' and wrote a dead letter for it' : ''}.`;
  }
  const released = result.scheduled === 'released' ? 'It had been scheduled and was already released. ' : '';
  return (
    `${released}Workers with cancellation on term it when it is delivered, or abort it if it is running. ` +
    'jetbus keeps no index of queued jobs, so an unknown or already completed id is also "requested" ' +
    '(until the request expires).'
  );
}

/**
 * Cancel any job by id (a scheduled, queued or running one) through `POST /api/jobs/:jobId/cancel`,
 * after `cancel` is typed; the answer (`cancelled` or `requested`) stays shown under the form.
 */
export function CancelJobForm({ onDone }: { onDone?: (result: JobCancelResult) => void }) {
  const [jobId, setJobId] = useState('');
  const [confirming, setConfirming] = useState<string | undefined>(undefined);
  const [result, setResult] = useState<JobCancelResult | undefined>(undefined);

  const cancel = async (id: string) => {
    const done = await api.post<JobCancelResult>(`/api/jobs/${seg(id)}/cancel`);
    setResult(done);
    setJobId('');
    onDone?.(done);
  };

  return (
    <section class="cancel-job" aria-labelledby="cancel-job-title">
      <div class="section-head">
        <h2 id="cancel-job-title">Cancel a job by id</h2>
      </div>
      <p class="muted small">
        Scheduled, queued or running: a scheduled job is cancelled before its release; otherwise the request
        is recorded and workers with cancellation on carry it out. A job that has completed is not undone.
      </p>
      <form
        class="filters"
        aria-label="Cancel a job"
        onSubmit={(e) => {
          e.preventDefault();
          const id = jobId.trim();
          if (!id) return;
          setResult(undefined);
          setConfirming(id);
        }}
      >
        <FilterField label="Job id" width="grow">
          <input
            name="jobId"
            class="mono"
            placeholder="export-7, or <stream>:<seq> for a job published without an id"
            value={jobId}
            autoComplete="off"
            spellcheck={false}
            onInput={(e) => setJobId(e.currentTarget.value)}
          />
        </FilterField>
        <button type="submit" class="danger-outline" disabled={jobId.trim() === ''}>
          Cancel job…
        </button>
      </form>
      {result && (
        <p class="notice" role="status">
          Job <Mono text={result.jobId} />: <strong class="outcome">{result.outcome}</strong>.{' '}
          <UntrustedText text={explain(result)} />
        </p>
      )}
      {confirming !== undefined && (
        <ConfirmDialog
          title="Cancel a job"
          confirmText="cancel"
          action="Cancel job"
          onConfirm={() => cancel(confirming)}
          onClose={() => setConfirming(undefined)}
        >
          <p>
            Job <Mono text={confirming} /> is cancelled wherever it is: if scheduled, it is never released; if
            queued or running, workers with cancellation on term it when delivered or abort it. This cannot be
            taken back.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
