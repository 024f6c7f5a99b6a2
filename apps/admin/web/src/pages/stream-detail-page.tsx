import { useState } from 'preact/hooks';
import { api, query, seg } from '../api/api-client';
import { type StreamDetail } from '../api/types';
import { ConfirmDialog } from '../components/confirm-dialog';
import { ErrorBanner } from '../components/error-banner';
import { Stat } from '../components/stat';
import { Mono } from '../components/untrusted-text';
import { fmtBytes, fmtDuration, fmtNumber, fmtTime, plural } from '../format';
import { useApi } from '../hooks/use-api';
import { navigate } from '../router';
import { useCan } from '../session-context';
import { ConsumersTable } from './consumers-table';
import { MessageBrowser } from './message-browser';

type Pending = 'purge' | 'delete' | null;

/** Config values worth a glance; the full config is one click away. */
function ConfigSummary({ config }: { config: StreamDetail['config'] }) {
  const ns = (v: unknown) => (typeof v === 'number' && v > 0 ? fmtDuration(v / 1e6) : 'unlimited');
  const limit = (v: unknown) => (typeof v === 'number' && v >= 0 ? fmtNumber(v) : 'unlimited');
  const rows: [string, string][] = [
    ['Subjects', (config.subjects ?? []).join(', ')],
    ['Retention', String(config.retention ?? '—')],
    ['Storage', String(config.storage ?? '—')],
    ['Replicas', String(config.num_replicas ?? '—')],
    ['Max age', ns(config.max_age)],
    ['Max messages', limit(config.max_msgs)],
    [
      'Max bytes',
      typeof config.max_bytes === 'number' && config.max_bytes >= 0
        ? fmtBytes(config.max_bytes)
        : 'unlimited',
    ],
    ['Discard', String(config.discard ?? '—')],
    ['Duplicate window', ns(config.duplicate_window)],
  ];
  if (typeof config.description === 'string' && config.description)
    rows.push(['Description', config.description]);
  return (
    <table class="kv">
      <tbody>
        {rows.map(([k, v]) => (
          <tr key={k}>
            <th>{k}</th>
            <td>
              <Mono text={v} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function StreamDetailPage({ name }: { name: string }) {
  const stream = useApi(() => api.get<StreamDetail>(`/api/streams/${seg(name)}`), `stream-${name}`);
  const isAdmin = useCan('admin');
  const [pending, setPending] = useState<Pending>(null);
  const [purgeSubject, setPurgeSubject] = useState('');
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const state = stream.data?.state;
  return (
    <section class="page">
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href="#/streams">Streams</a> / <Mono text={name} />
      </nav>
      <div class="page-head">
        <h1>
          <Mono text={name} />
        </h1>
        <div class="actions">
          <button type="button" onClick={stream.reload}>
            Refresh
          </button>
          {isAdmin && (
            <>
              <button type="button" class="danger-outline" onClick={() => setPending('purge')}>
                Purge…
              </button>
              <button type="button" class="danger" onClick={() => setPending('delete')}>
                Delete…
              </button>
            </>
          )}
        </div>
      </div>
      <ErrorBanner error={stream.error} />
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {stream.data && state && (
        <>
          <div class="stats">
            <Stat label="Messages" value={fmtNumber(state.messages)} />
            <Stat label="Stored" value={fmtBytes(state.bytes)} />
            <Stat label="First seq" value={fmtNumber(state.first_seq)} />
            <Stat label="Last seq" value={fmtNumber(state.last_seq)} />
            <Stat label="Consumers" value={fmtNumber(state.consumer_count as number | undefined)} />
          </div>
          <div class="two-col">
            <div>
              <h2>Configuration</h2>
              <ConfigSummary config={stream.data.config} />
              {typeof stream.data.state.created === 'string' && (
                <p class="muted small">Created {fmtTime(stream.data.state.created)}</p>
              )}
            </div>
            <div>
              <h2>Consumers</h2>
              <ConsumersTable stream={name} />
            </div>
          </div>
          <h2>Messages</h2>
          <MessageBrowser stream={name} />
        </>
      )}
      {pending === 'purge' && (
        <ConfirmDialog
          title={`Purge ${name}`}
          confirmText={name}
          action="Purge messages"
          onClose={() => setPending(null)}
          onConfirm={async () => {
            const body = purgeSubject.trim() ? { subject: purgeSubject.trim() } : {};
            const res = await api.post<{ purged: number }>(`/api/streams/${seg(name)}/purge`, body);
            setNotice(`Purged ${plural(res.purged, 'message')}.`);
            stream.reload();
          }}
        >
          <p>
            This removes messages from <Mono text={name} /> for good. Consumers keep their position.
          </p>
          <label class="field">
            <span>Only this subject (optional)</span>
            <input
              class="mono"
              name="purgeSubject"
              value={purgeSubject}
              onInput={(e) => setPurgeSubject(e.currentTarget.value)}
            />
          </label>
        </ConfirmDialog>
      )}
      {pending === 'delete' && (
        <ConfirmDialog
          title={`Delete ${name}`}
          confirmText={name}
          action="Delete stream"
          onClose={() => setPending(null)}
          onConfirm={async () => {
            // The typed name travels too: the server asks for it before deleting the dead-letter stream.
            await api.delete(`/api/streams/${seg(name)}${query({ confirm: name })}`);
            navigate('#/streams');
          }}
        >
          <p>
            This deletes the stream <Mono text={name} /> with {plural(state?.messages ?? 0, 'message')} and
            its consumers. It cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
