import { useEffect, useRef } from 'preact/hooks';
import { FilterField } from '../components/filter-field';
import { FilterForm } from '../components/filter-form';
import { TimeField } from '../components/time-field';
import { useDraft } from '../hooks/use-draft';
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
  const draft = useDraft(initial);
  const q = useRef<HTMLInputElement>(null);
  useSlashFocus(q);
  return (
    <FilterForm
      label="Search dead letters"
      role="search"
      submit="Search"
      onSubmit={() => onSearch(draft.value)}
    >
      <FilterField
        width="grow"
        label={
          <>
            Search <kbd>/</kbd>
          </>
        }
      >
        <input ref={q} {...draft.text('q')} type="search" placeholder="id, subject, error…" />
      </FilterField>
      <FilterField label="Error contains">
        <input {...draft.text('error')} />
      </FilterField>
      <FilterField label="Subject">
        <input class="mono" {...draft.text('subject')} placeholder="orders.>" />
      </FilterField>
      <FilterField label="Reason" width="narrow">
        <select {...draft.select('reason')}>
          <option value="">any</option>
          {REASONS.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </FilterField>
      <FilterField label="Handler">
        <input {...draft.text('handler')} />
      </FilterField>
      <TimeField label="Since" {...draft.text('since')} />
      <TimeField label="Until" {...draft.text('until')} />
    </FilterForm>
  );
}
