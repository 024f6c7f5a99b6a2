import { useState } from 'preact/hooks';
import { api, query, seg } from '../api/api-client';
import { type MessageView, type PayloadFormat } from '../api/types';
import { Dialog } from '../components/dialog';
import { ErrorBanner } from '../components/error-banner';
import { FilterField } from '../components/filter-field';
import { FilterForm } from '../components/filter-form';
import { HeadersTable } from '../components/headers-table';
import { Pager } from '../components/pager';
import { PayloadView } from '../components/payload-view';
import { TimeField } from '../components/time-field';
import { Mono } from '../components/untrusted-text';
import { fmtBytes, fmtNumber, fmtTime, localInputToIso } from '../format';
import { useApi } from '../hooks/use-api';
import { useDraft } from '../hooks/use-draft';
import { usePages } from '../hooks/use-pages';

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
  const draft = useDraft<Filter>(EMPTY);
  const [filter, setFilter] = useState<Filter>(EMPTY);
  const pages = usePages<number>();
  const [open, setOpen] = useState<MessageView | null>(null);
  const from = pages.cursor;
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
  return (
    <div class="browser">
      <FilterForm
        label="Message filter"
        submit="Show"
        onSubmit={() => {
          setFilter(draft.value);
          pages.reset();
        }}
      >
        <FilterField label="Subject" width="grow">
          <input class="mono" {...draft.text('subject')} placeholder="orders.>" />
        </FilterField>
        <FilterField label="From seq" width="narrow">
          <input {...draft.text('fromSeq')} type="number" min={1} />
        </FilterField>
        <TimeField label="Since" {...draft.text('since')} />
        <FilterField label="Format" width="narrow">
          <select
            name="format"
            value={draft.value.format}
            onChange={(e) => draft.set({ format: e.currentTarget.value as PayloadFormat })}
          >
            <option value="json">json</option>
            <option value="text">text</option>
            <option value="hex">hex</option>
          </select>
        </FilterField>
        <FilterField label="Per page" width="narrow">
          <select
            name="limit"
            value={String(draft.value.limit)}
            onChange={(e) => draft.set({ limit: Number(e.currentTarget.value) })}
          >
            {[20, 50, 100, 200].map((n) => (
              <option key={n} value={String(n)}>
                {n}
              </option>
            ))}
          </select>
        </FilterField>
      </FilterForm>
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
      <Pager pages={pages} next={messages.data?.next} />
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
