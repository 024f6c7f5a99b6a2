import { useEffect, useState } from 'preact/hooks';
import { api, seg } from '../api/api-client';
import { type ReplayJob } from '../api/types';
import { ErrorBanner } from '../components/error-banner';
import { UntrustedText } from '../components/untrusted-text';
import { fmtNumber } from '../format';

const POLL_MS = 500;

/** Polls a bulk replay until it is done or failed, as a progress bar with its counts. */
export function ReplayProgress({ replayId, onFinished }: { replayId: string; onFinished(): void }) {
  const [job, setJob] = useState<ReplayJob | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    let stopped = false;
    let timer = 0;
    const poll = async () => {
      try {
        const next = await api.get<ReplayJob>(`/api/dead-letters/replays/${seg(replayId)}`);
        if (stopped) return;
        setJob(next);
        if (next.state === 'running') timer = window.setTimeout(poll, POLL_MS);
        else onFinished();
      } catch (e) {
        if (!stopped) setError(e instanceof Error ? e.message : String(e));
      }
    };
    void poll();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
    // onFinished is the caller's refresh; a new one must not restart the poll.
  }, [replayId]);
  const done = job ? job.replayed + job.skipped + job.failed : 0;
  return (
    <div class="progress-box" role="status" aria-live="polite">
      <ErrorBanner error={error} />
      {job && (
        <>
          <div class="progress-line">
            <strong>
              Replay {job.state === 'running' ? 'running' : job.state === 'done' ? 'finished' : 'failed'}
            </strong>
            <span>
              {fmtNumber(job.replayed)} replayed · {fmtNumber(job.skipped)} skipped · {fmtNumber(job.failed)}{' '}
              failed of {fmtNumber(job.total)}
            </span>
          </div>
          <progress
            max={Math.max(job.total, 1)}
            value={job.total === 0 ? 1 : done}
            aria-label="Replay progress"
          />
          {job.errors.length > 0 && (
            <ul class="errors">
              {job.errors.slice(0, 20).map((e) => (
                <li key={e.seq}>
                  #{e.seq}: <UntrustedText text={e.message} />
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </div>
  );
}
