import { useState } from 'preact/hooks';
import { api, query } from '../api/api-client';
import { type Overview, type Timeline, type TimelineWindow } from '../api/types';
import { ErrorBanner } from '../components/error-banner';
import { Stat } from '../components/stat';
import { type Series, TimelineChart } from '../components/timeline-chart';
import { Mono } from '../components/untrusted-text';
import { fmtBytes, fmtNumber } from '../format';
import { useApi } from '../hooks/use-api';

const POLL_MS = 5000;
const WINDOWS: TimelineWindow[] = ['15m', '1h', '6h', '24h'];

const THROUGHPUT: Series[] = [
  { key: 'processed', label: 'Processed', color: '#2563eb' },
  { key: 'failed', label: 'Failed', color: '#d97706' },
  { key: 'deadLettered', label: 'Dead-lettered', color: '#dc2626' },
];
const BACKLOG: Series[] = [
  { key: 'pending', label: 'Pending', color: '#7c3aed' },
  { key: 'deadLetters', label: 'Dead letters', color: '#dc2626' },
  { key: 'scheduled', label: 'Scheduled', color: '#0891b2' },
];

export function DashboardPage() {
  const [span, setSpan] = useState<TimelineWindow>('1h');
  const overview = useApi(() => api.get<Overview>('/api/overview'), 'overview', POLL_MS);
  const timeline = useApi(
    () => api.get<Timeline>(`/api/metrics/timeline${query({ window: span })}`),
    `timeline-${span}`,
    POLL_MS,
  );
  const o = overview.data;
  return (
    <section class="page">
      <div class="page-head">
        <h1>Dashboard</h1>
        <span class="muted live" title="Refreshed every 5 seconds">
          live
        </span>
      </div>
      <ErrorBanner error={overview.error} />
      <div class="stats" aria-live="polite">
        <Stat label="Streams" value={fmtNumber(o?.streams)} />
        <Stat label="Messages" value={fmtNumber(o?.messages)} />
        <Stat label="Stored" value={fmtBytes(o?.bytes)} />
        <Stat label="Consumers" value={fmtNumber(o?.consumers)} />
        <Stat label="Pending" value={fmtNumber(o?.pending)} tone={o && o.pending > 0 ? 'warn' : undefined} />
        <Stat label="Ack pending" value={fmtNumber(o?.ackPending)} />
        <Stat
          label="Dead letters"
          value={fmtNumber(o?.deadLetters)}
          tone={o && o.deadLetters > 0 ? 'bad' : 'ok'}
        />
        <Stat label="Scheduled" value={fmtNumber(o?.scheduled)} />
        <Stat label="Workers" value={fmtNumber(o?.workers)} tone={o && o.workers === 0 ? 'warn' : 'ok'} />
      </div>

      <div class="section-head">
        <h2>Activity</h2>
        <div class="segmented" role="group" aria-label="Time window">
          {WINDOWS.map((w) => (
            <button key={w} type="button" aria-pressed={w === span} onClick={() => setSpan(w)}>
              {w}
            </button>
          ))}
        </div>
      </div>
      <ErrorBanner error={timeline.error} />
      {timeline.data && (
        <div class="charts">
          <TimelineChart title="Jobs per interval" timeline={timeline.data} series={THROUGHPUT} />
          <TimelineChart title="Backlog" timeline={timeline.data} series={BACKLOG} />
        </div>
      )}

      <h2>Handlers</h2>
      {o && o.handlers.length === 0 && <p class="muted">No worker has reported a handler yet.</p>}
      {o && o.handlers.length > 0 && (
        <table class="grid">
          <thead>
            <tr>
              <th>Handler</th>
              <th>Subject</th>
              <th class="num">Processed</th>
              <th class="num">Failed</th>
              <th class="num">Retried</th>
              <th class="num">Dead-lettered</th>
              <th class="num">In flight</th>
            </tr>
          </thead>
          <tbody>
            {o.handlers.map((h) => (
              <tr key={`${h.handler}|${h.subject}`}>
                <td>
                  <Mono text={h.handler} />
                </td>
                <td>
                  <Mono text={h.subject} />
                </td>
                <td class="num" data-testid={`processed-${h.handler}`}>
                  {fmtNumber(h.processed)}
                </td>
                <td class="num">{fmtNumber(h.failed)}</td>
                <td class="num">{fmtNumber(h.retried)}</td>
                <td class={`num${h.deadLettered > 0 ? ' bad' : ''}`}>{fmtNumber(h.deadLettered)}</td>
                <td class="num">{fmtNumber(h.inFlight)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
