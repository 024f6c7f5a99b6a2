import { useState } from 'preact/hooks';
import { api } from '../api/api-client';
import { type StreamSummary } from '../api/types';
import { ErrorBanner } from '../components/error-banner';
import { TimeAgo } from '../components/time-ago';
import { Mono } from '../components/untrusted-text';
import { fmtBytes, fmtNumber } from '../format';
import { useApi } from '../hooks/use-api';
import { href } from '../router';
import { useCan } from '../session-context';
import { CreateStreamForm } from './create-stream-form';

export function StreamsPage() {
  const streams = useApi(() => api.get<{ streams: StreamSummary[] }>('/api/streams'), 'streams');
  const canCreate = useCan('admin');
  const [creating, setCreating] = useState(false);
  return (
    <section class="page">
      <div class="page-head">
        <h1>Streams</h1>
        <div class="actions">
          <button type="button" onClick={streams.reload}>
            Refresh
          </button>
          {canCreate && (
            <button type="button" class="primary" onClick={() => setCreating(true)}>
              New stream
            </button>
          )}
        </div>
      </div>
      <ErrorBanner error={streams.error} />
      {creating && (
        <CreateStreamForm
          onClose={() => setCreating(false)}
          onCreated={() => {
            setCreating(false);
            streams.reload();
          }}
        />
      )}
      {streams.data && streams.data.streams.length === 0 && <p class="muted">No streams yet.</p>}
      {streams.data && streams.data.streams.length > 0 && (
        <table class="grid">
          <thead>
            <tr>
              <th>Name</th>
              <th>Subjects</th>
              <th>Storage</th>
              <th class="num">Messages</th>
              <th class="num">Size</th>
              <th class="num">Consumers</th>
              <th class="num">Last seq</th>
              <th>Last message</th>
            </tr>
          </thead>
          <tbody>
            {streams.data.streams.map((s) => (
              <tr key={s.name}>
                <td>
                  <a href={href('streams', s.name)}>
                    <Mono text={s.name} />
                  </a>
                  {s.deadLetter && <span class="badge bad">dead letters</span>}
                  {s.audit && <span class="badge">audit</span>}
                </td>
                <td class="subjects">
                  <Mono text={s.subjects.join(', ')} title />
                </td>
                <td>
                  {s.storage} · {s.retention} · R{s.replicas}
                </td>
                <td class="num">{fmtNumber(s.messages)}</td>
                <td class="num">{fmtBytes(s.bytes)}</td>
                <td class="num">{fmtNumber(s.consumers)}</td>
                <td class="num">{fmtNumber(s.lastSeq)}</td>
                <td>
                  <TimeAgo iso={s.lastTime} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
