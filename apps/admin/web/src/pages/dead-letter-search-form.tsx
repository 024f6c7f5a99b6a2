import { useEffect, useRef, useState } from 'preact/hooks';
import { type DeadLetterSearch, REASONS } from './dead-letter-filter';

interface SearchFormProps {
  initial: DeadLetterSearch;
  onSearch(search: DeadLetterSearch): void;
}

/** The search box answers `/` from anywhere on the page (unless typing in another field). */
function useSlashFocus(input: { current: HTMLInputElement | null }) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
      const target = e.target as HTMLElement | null;
      if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
      if (document.querySelector('dialog[open]')) return;
      e.preventDefault();
      input.current?.focus();
      input.current?.select();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [input]);
}

export function DeadLetterSearchForm({ initial, onSearch }: SearchFormProps) {
  const [s, setS] = useState(initial);
  const q = useRef<HTMLInputElement>(null);
  useSlashFocus(q);
  const set = (patch: Partial<DeadLetterSearch>) => setS({ ...s, ...patch });
  return (
    <form
      class="filters"
      role="search"
      aria-label="Search dead letters"
      onSubmit={(e) => {
        e.preventDefault();
        onSearch(s);
      }}
    >
      <label class="field grow">
        <span>
          Search <kbd>/</kbd>
        </span>
        <input
          ref={q}
          name="q"
          type="search"
          placeholder="id, subject, error…"
          value={s.q}
          onInput={(e) => set({ q: e.currentTarget.value })}
        />
      </label>
      <label class="field">
        <span>Error contains</span>
        <input name="error" value={s.error} onInput={(e) => set({ error: e.currentTarget.value })} />
      </label>
      <label class="field">
        <span>Subject</span>
        <input
          class="mono"
          name="subject"
          placeholder="orders.>"
          value={s.subject}
          onInput={(e) => set({ subject: e.currentTarget.value })}
        />
      </label>
      <label class="field narrow">
        <span>Reason</span>
        <select name="reason" value={s.reason} onChange={(e) => set({ reason: e.currentTarget.value })}>
          <option value="">any</option>
          {REASONS.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </label>
      <label class="field">
        <span>Handler</span>
        <input name="handler" value={s.handler} onInput={(e) => set({ handler: e.currentTarget.value })} />
      </label>
      <label class="field">
        <span>Since</span>
        <input
          name="since"
          type="datetime-local"
          step={1}
          value={s.since}
          onInput={(e) => set({ since: e.currentTarget.value })}
        />
      </label>
      <label class="field">
        <span>Until</span>
        <input
          name="until"
          type="datetime-local"
          step={1}
          value={s.until}
          onInput={(e) => set({ until: e.currentTarget.value })}
        />
      </label>
      <button type="submit" class="primary">
        Search
      </button>
    </form>
  );
}
