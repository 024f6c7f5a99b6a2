import { api } from '../api/api-client';
import { type Worker } from '../api/types';
import { ErrorBanner } from '../components/error-banner';
import { TimeAgo } from '../components/time-ago';
import { Mono } from '../components/untrusted-text';
import { fmtDuration, fmtNumber } from '../format';
import { useApi } from '../hooks/use-api';

const POLL_MS = 5000;
/** A heartbeat older than this is suspect: workers beat every few seconds. */
const STALE_MS = 30_000;

export function WorkersPage() {
  const workers = useApi(() => api.get<{ workers: Worker[] }>('/api/workers'), 'workers', POLL_MS);
  const list = workers.data?.workers ?? [];
  return (
    <section class="page">
      <div class="page-head">
        <h1>Workers</h1>
        <span class="muted">
          {list.length === 1 ? '1 process' : `${fmtNumber(list.length)} processes`} · live
        </span>
      </div>
      <ErrorBanner error={workers.error} />
      {workers.data && list.length === 0 && <p class="muted">No worker has sent a heartbeat.</p>}
      {list.length > 0 && (
        <table class="grid">
          <thead>
            <tr>
              <th>Process</th>
              <th>Host / pid</th>
              <th>Handlers</th>
              <th class="num">Concurrency</th>
              <th class="num">In flight</th>
              <th class="num">Processed</th>
              <th class="num">Failed</th>
              <th>Up since</th>
              <th>Last heartbeat</th>
            </tr>
          </thead>
          <tbody>
            {list.map((w) => {
              const stale = w.ageMs > STALE_MS;
              const sum = (k: 'concurrency' | 'inFlight' | 'processed' | 'failed') =>
                w.handlers.reduce((n, h) => n + h[k], 0);
              return (
                <tr key={w.id} class={stale ? 'stale' : undefined}>
                  <td>
                    <Mono text={w.name} />
                    <div class="sub">
                      <Mono text={`${w.user} · v${w.version}`} />
                    </div>
                  </td>
                  <td>
                    <Mono text={`${w.host} / ${w.pid}`} />
                  </td>
                  <td>
                    <ul class="plain">
                      {w.handlers.map((h) => (
                        <li key={h.handler}>
                          <Mono text={h.handler} /> <span class="muted">←</span> <Mono text={h.subject} />
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td class="num">{fmtNumber(sum('concurrency'))}</td>
                  <td class="num">{fmtNumber(sum('inFlight'))}</td>
                  <td class="num" data-testid={`worker-processed-${w.name}`}>
                    {fmtNumber(sum('processed'))}
                  </td>
                  <td class="num">{fmtNumber(sum('failed'))}</td>
                  <td>
                    <TimeAgo iso={w.startedAt} />
                  </td>
                  <td>
                    {stale ? (
                      <span class="badge bad" title="No heartbeat for a while: the process may be gone">
                        stale · {fmtDuration(w.ageMs)}
                      </span>
                    ) : (
                      <span class="badge ok">{fmtDuration(w.ageMs)} ago</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
