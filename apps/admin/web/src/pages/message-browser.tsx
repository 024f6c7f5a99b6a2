import { useState } from 'preact/hooks';
import { api, query, seg } from '../api/api-client';
import { type MessageView, type PayloadFormat } from '../api/types';
import { Dialog } from '../components/dialog';
import { ErrorBanner } from '../components/error-banner';
import { HeadersTable } from '../components/headers-table';
import { PayloadView } from '../components/payload-view';
import { Mono } from '../components/untrusted-text';
import { fmtBytes, fmtNumber, fmtTime, localInputToIso } from '../format';
import { useApi } from '../hooks/use-api';

interface Filter {
  subject: string;
  fromSeq: string;
  since: string;
  format: PayloadFormat;
  limit: number;
}

const EMPTY: Filter = { subject: '', fromSeq: '', since: '', format: 'json', limit: 50 };

/** Pages forward through a stream with `next`; earlier pages are remembered for "Previous". */
export function MessageBrowser({ stream }: { stream: string }) {
  const [draft, setDraft] = useState<Filter>(EMPTY);
  const [filter, setFilter] = useState<Filter>(EMPTY);
  const [pages, setPages] = useState<(number | undefined)[]>([undefined]);
  const [open, setOpen] = useState<MessageView | null>(null);
  const from = pages[pages.length - 1];
  const params = {
    subject: filter.subject.trim(),
    fromSeq: from ?? filter.fromSeq,
    since: from === undefined ? localInputToIso(filter.since) : undefined,
    format: filter.format,
    limit: filter.limit,
  };
  const key = `${stream}${query(params)}`;
  const messages = useApi(
    () =>
      api.get<{ messages: MessageView[]; next: number | null }>(
        `/api/streams/${seg(stream)}/messages${query(params)}`,
      ),
    key,
  );
  const submit = (e: Event) => {
    e.preventDefault();
    setFilter(draft);
    setPages([undefined]);
  };
  const set = (patch: Partial<Filter>) => setDraft({ ...draft, ...patch });
  return (
    <div class="browser">
      <form class="filters" onSubmit={submit} aria-label="Message filter">
        <label class="field grow">
          <span>Subject</span>
          <input
            class="mono"
            name="subject"
            placeholder="orders.>"
            value={draft.subject}
            onInput={(e) => set({ subject: e.currentTarget.value })}
          />
        </label>
        <label class="field narrow">
          <span>From seq</span>
          <input
            name="fromSeq"
            type="number"
            min={1}
            value={draft.fromSeq}
            onInput={(e) => set({ fromSeq: e.currentTarget.value })}
          />
        </label>
        <label class="field">
          <span>Since</span>
          <input
            name="since"
            type="datetime-local"
            step={1}
            value={draft.since}
            onInput={(e) => set({ since: e.currentTarget.value })}
          />
        </label>
        <label class="field narrow">
          <span>Format</span>
          <select
            name="format"
            value={draft.format}
            onChange={(e) => set({ format: e.currentTarget.value as PayloadFormat })}
          >
            <option value="json">json</option>
            <option value="text">text</option>
            <option value="hex">hex</option>
          </select>
        </label>
        <label class="field narrow">
          <span>Per page</span>
          <select
            name="limit"
            value={String(draft.limit)}
            onChange={(e) => set({ limit: Number(e.currentTarget.value) })}
          >
            {[20, 50, 100, 200].map((n) => (
              <option key={n} value={String(n)}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" class="primary">
          Show
        </button>
      </form>
      <ErrorBanner error={messages.error} />
      {messages.data && messages.data.messages.length === 0 && <p class="muted">No messages match.</p>}
      {messages.data && messages.data.messages.length > 0 && (
        <table class="grid clickable">
          <thead>
            <tr>
              <th class="num">Seq</th>
              <th>Time</th>
              <th>Subject</th>
              <th class="num">Size</th>
              <th>Payload</th>
            </tr>
          </thead>
          <tbody>
            {messages.data.messages.map((m) => (
              <tr key={m.seq}>
                <td class="num">
                  <button
                    type="button"
                    class="link"
                    onClick={() => setOpen(m)}
                    aria-label={`Open message ${m.seq}`}
                  >
                    {m.seq}
                  </button>
                </td>
                <td class="nowrap">{fmtTime(m.time)}</td>
                <td>
                  <Mono text={m.subject} />
                </td>
                <td class="num">{fmtBytes(m.size)}</td>
                <td class="preview">
                  <Mono text={m.payload.text.replace(/\s+/g, ' ').slice(0, 160)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div class="pager">
        <button type="button" disabled={pages.length <= 1} onClick={() => setPages(pages.slice(0, -1))}>
          ← Previous
        </button>
        <span class="muted">Page {pages.length}</span>
        <button
          type="button"
          disabled={!messages.data || messages.data.next === null}
          onClick={() => messages.data?.next != null && setPages([...pages, messages.data.next])}
        >
          Next →
        </button>
      </div>
      {open && (
        <Dialog title={`Message ${fmtNumber(open.seq)}`} onClose={() => setOpen(null)} drawer>
          <table class="kv">
            <tbody>
              <tr>
                <th>Subject</th>
                <td>
                  <Mono text={open.subject} />
                </td>
              </tr>
              <tr>
                <th>Time</th>
                <td>{fmtTime(open.time)}</td>
              </tr>
              <tr>
                <th>Size</th>
                <td>{fmtBytes(open.size)}</td>
              </tr>
            </tbody>
          </table>
          <h3>Headers</h3>
          <HeadersTable headers={open.headers} />
          <h3>Payload</h3>
          <PayloadView payload={open.payload} />
        </Dialog>
      )}
    </div>
  );
}
