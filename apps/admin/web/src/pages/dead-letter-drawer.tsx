import { useState } from 'preact/hooks';
import { api, seg } from '../api/api-client';
import { type DeadLetterDetail } from '../api/types';
import { ConfirmDialog } from '../components/confirm-dialog';
import { Dialog } from '../components/dialog';
import { ErrorBanner } from '../components/error-banner';
import { HeadersTable } from '../components/headers-table';
import { PayloadView } from '../components/payload-view';
import { Mono, UntrustedText } from '../components/untrusted-text';
import { fmtNumber, fmtTime, visible } from '../format';
import { useAction, useApi } from '../hooks/use-api';
import { useCan } from '../session-context';
import { EditReplayForm } from './edit-replay-form';
import { HistoryList } from './history-list';

interface DrawerProps {
  seq: number;
  onClose(): void;
  /** After a replay, edit or delete: the page refreshes and shows `message`. */
  onChanged(message: string): void;
}

export function DeadLetterDrawer({ seq, onClose, onChanged }: DrawerProps) {
  const entry = useApi(() => api.get<DeadLetterDetail>(`/api/dead-letters/${seg(seq)}`), `dl-${seq}`);
  const canOperate = useCan('operator');
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const act = useAction();
  const d = entry.data;

  // A replayed dead letter is deleted once its job is republished, so the drawer closes after it.
  const replay = async () => {
    const ok = await act.run(async () => {
      await api.post(`/api/dead-letters/${seg(seq)}/replay`);
      return true;
    });
    if (ok) {
      onChanged(`Dead letter ${seq} replayed to ${visible(d?.subject ?? '')}.`);
      onClose();
    }
  };
  const stack = d?.stack ? (Array.isArray(d.stack) ? d.stack.join('\n') : d.stack) : '';

  return (
    <Dialog title={`Dead letter ${fmtNumber(seq)}`} onClose={onClose} drawer>
      <ErrorBanner error={entry.error} />
      {d && (
        <div class="stack">
          {canOperate && !editing && (
            <div class="actions left">
              <button type="button" class="primary" disabled={act.busy} onClick={() => void replay()}>
                Replay
              </button>
              <button
                type="button"
                disabled={!d.payload || d.payload.truncated}
                onClick={() => setEditing(true)}
              >
                Edit and replay…
              </button>
              <button type="button" class="danger-outline" onClick={() => setDeleting(true)}>
                Delete…
              </button>
            </div>
          )}
          {d.payload?.truncated && canOperate && (
            <p class="muted small">The payload is too large to edit here; replay it as it is.</p>
          )}
          <ErrorBanner error={act.error} />
          {editing && d.payload && (
            <EditReplayForm
              seq={seq}
              payload={d.payload}
              onCancel={() => setEditing(false)}
              onReplayed={() => {
                onChanged(`Dead letter ${seq} replayed with the edited payload.`);
                onClose();
              }}
            />
          )}
          <table class="kv">
            <tbody>
              <tr>
                <th>Subject</th>
                <td>
                  <Mono text={d.subject} />
                </td>
              </tr>
              <tr>
                <th>Stream / consumer</th>
                <td>
                  <Mono text={`${d.stream} / ${d.durable}`} />
                </td>
              </tr>
              <tr>
                <th>Reason</th>
                <td>
                  <span class="badge">{d.reason}</span> after {fmtNumber(d.attempts)} attempts
                </td>
              </tr>
              {d.handler && (
                <tr>
                  <th>Handler</th>
                  <td>
                    <Mono text={d.handler} />
                  </td>
                </tr>
              )}
              <tr>
                <th>Dead since</th>
                <td>{fmtTime(d.deadAt)}</td>
              </tr>
              <tr>
                <th>Job id</th>
                <td>
                  <Mono text={d.id} />
                </td>
              </tr>
              {d.msgId && (
                <tr>
                  <th>Message id</th>
                  <td>
                    <Mono text={d.msgId} />
                  </td>
                </tr>
              )}
              {d.traceId && (
                <tr>
                  <th>Trace</th>
                  <td>
                    <Mono text={d.traceId} />
                  </td>
                </tr>
              )}
            </tbody>
          </table>
          {d.completed && (
            <p class="warning">
              This job had completed; only its acknowledgement was lost. Replaying it runs it again.
            </p>
          )}
          {d.malformed && (
            <p class="error">
              Malformed entry: <UntrustedText text={d.malformed} />
            </p>
          )}
          <h3>Error</h3>
          <pre class="code error-text" data-testid="dl-error">
            <UntrustedText text={d.error} multiline />
          </pre>
          {stack && (
            <details>
              <summary>Stack trace</summary>
              <pre class="code">
                <UntrustedText text={stack} multiline />
              </pre>
            </details>
          )}
          <h3>Payload</h3>
          {d.payload ? (
            <PayloadView payload={d.payload} />
          ) : (
            <p class="error">
              The payload could not be read: <UntrustedText text={d.payloadError ?? 'unknown reason'} />
            </p>
          )}
          <h3>Headers</h3>
          <HeadersTable headers={d.headers} />
          <h3>History</h3>
          <HistoryList history={d.history} />
        </div>
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete dead letter ${seq}`}
          confirmText={String(seq)}
          action="Delete"
          onClose={() => setDeleting(false)}
          onConfirm={async () => {
            await api.delete(`/api/dead-letters/${seg(seq)}`);
            onChanged(`Dead letter ${seq} deleted.`);
            onClose();
          }}
        >
          <p>The job will not run again. Its payload is gone for good.</p>
        </ConfirmDialog>
      )}
    </Dialog>
  );
}
