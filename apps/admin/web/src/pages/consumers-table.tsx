import { api, seg } from '../api/api-client';
import { type ConsumerSummary } from '../api/types';
import { ErrorBanner } from '../components/error-banner';
import { TimeAgo } from '../components/time-ago';
import { Mono } from '../components/untrusted-text';
import { fmtDuration, fmtNumber } from '../format';
import { useApi } from '../hooks/use-api';

/** The drift field says how the live consumer differs from its handler's declaration, if it does. */
function driftText(drift: unknown): string | undefined {
  if (!drift) return undefined;
  if (Array.isArray(drift))
    return drift.length
      ? drift.map((d) => (typeof d === 'string' ? d : JSON.stringify(d))).join('; ')
      : undefined;
  if (typeof drift === 'string') return drift;
  if (typeof drift === 'object') {
    const keys = Object.keys(drift);
    return keys.length ? JSON.stringify(drift) : undefined;
  }
  return 'differs from its declaration';
}

export function ConsumersTable({ stream }: { stream: string }) {
  const consumers = useApi(
    () => api.get<{ consumers: ConsumerSummary[] }>(`/api/streams/${seg(stream)}/consumers`),
    `consumers-${stream}`,
  );
  if (consumers.error) return <ErrorBanner error={consumers.error} />;
  if (!consumers.data) return <p class="muted">Loading…</p>;
  if (consumers.data.consumers.length === 0) return <p class="muted">No consumers.</p>;
  return (
    <table class="grid">
      <thead>
        <tr>
          <th>Consumer</th>
          <th class="num">Pending</th>
          <th class="num">Ack pending</th>
          <th class="num">Redelivered</th>
          <th>Ack wait</th>
          <th>Last active</th>
          <th>State</th>
        </tr>
      </thead>
      <tbody>
        {consumers.data.consumers.map((c) => {
          const drift = driftText(c.drift);
          return (
            <tr key={c.name}>
              <td>
                <Mono text={c.name} />
                {c.filterSubject && (
                  <div class="sub">
                    <Mono text={c.filterSubject} />
                  </div>
                )}
              </td>
              <td class={`num${c.numPending > 0 ? ' warn' : ''}`}>{fmtNumber(c.numPending)}</td>
              <td class="num">{fmtNumber(c.numAckPending)}</td>
              <td class={`num${c.numRedelivered > 0 ? ' warn' : ''}`}>{fmtNumber(c.numRedelivered)}</td>
              <td>
                {fmtDuration(c.ackWaitMs)} × {c.maxDeliver < 0 ? '∞' : c.maxDeliver}
              </td>
              <td>
                <TimeAgo iso={c.lastActive} />
              </td>
              <td>
                {c.paused && <span class="badge warn">paused</span>}
                {drift ? (
                  <span class="badge bad" title={drift}>
                    drift
                  </span>
                ) : (
                  <span class="badge ok">in sync</span>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
