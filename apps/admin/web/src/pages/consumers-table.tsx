import { useState } from 'preact/hooks';
import { api, seg } from '../api/api-client';
import { ConfirmDialog } from '../components/confirm-dialog';
import { type ConsumerSummary } from '../api/types';
import { ErrorBanner } from '../components/error-banner';
import { TimeAgo } from '../components/time-ago';
import { Mono } from '../components/untrusted-text';
import { fmtDuration, fmtNumber, visible } from '../format';
import { useCan } from '../session-context';
import { useApi } from '../hooks/use-api';

/**
 * How the live consumer differs from what its handler declares: `[{field, declared, actual}]`,
 * empty when in sync, null when no running handler declares it (nothing to compare with).
 */
function driftText(drift: unknown): string | undefined | null {
  if (drift === null || drift === undefined) return null;
  if (!Array.isArray(drift)) return typeof drift === 'string' ? drift : JSON.stringify(drift);
  if (drift.length === 0) return undefined;
  return drift
    .map((d: unknown) => {
      if (!d || typeof d !== 'object') return String(d);
      const { field, declared, actual } = d as { field?: unknown; declared?: unknown; actual?: unknown };
      return `${String(field)}: declared ${JSON.stringify(declared)}, live ${JSON.stringify(actual)}`;
    })
    .join('; ');
}

export function ConsumersTable({ stream }: { stream: string }) {
  const consumers = useApi(
    () => api.get<{ consumers: ConsumerSummary[] }>(`/api/streams/${seg(stream)}/consumers`),
    `consumers-${stream}`,
  );
  const isAdmin = useCan('admin');
  const [deleting, setDeleting] = useState<string | null>(null);
  if (consumers.error) return <ErrorBanner error={consumers.error} />;
  if (!consumers.data) return <p class="muted">Loading…</p>;
  if (consumers.data.consumers.length === 0) return <p class="muted">No consumers.</p>;
  return (
    <>
      {deleting && (
        <ConfirmDialog
          title={`Delete consumer ${deleting}`}
          confirmText={deleting}
          action="Delete consumer"
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await api.delete(`/api/streams/${seg(stream)}/consumers/${seg(deleting)}`);
            consumers.reload();
          }}
        >
          <p>
            Deletes the consumer <Mono text={deleting} /> and its delivery state. A running worker that
            declares it creates it again, starting from its deliver policy.
          </p>
        </ConfirmDialog>
      )}
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
            {isAdmin && <th aria-label="Actions" />}
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
                  {drift === null ? (
                    <span class="badge" title="No running handler declares this consumer">
                      undeclared
                    </span>
                  ) : drift ? (
                    <span class="badge bad" title={visible(drift)}>
                      drift
                    </span>
                  ) : (
                    <span class="badge ok">in sync</span>
                  )}
                  {drift && (
                    <div class="sub">
                      <Mono text={drift} />
                    </div>
                  )}
                </td>
                {isAdmin && (
                  <td>
                    <button
                      type="button"
                      class="danger-outline small"
                      aria-label={`Delete consumer ${c.name}`}
                      onClick={() => setDeleting(c.name)}
                    >
                      Delete…
                    </button>
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}
