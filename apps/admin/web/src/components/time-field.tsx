import { type TextBinding } from '../hooks/use-draft';
import { FilterField } from './filter-field';

type TimeFieldProps = { label: string } & TextBinding<string>;

/**
 * A `FilterField` for a local date and time to the second, bound with `draft.text('since')`; the
 * value is a `datetime-local` string (`localInputToIso` turns it into the API's ISO-8601).
 */
export function TimeField({ label, ...binding }: TimeFieldProps) {
  return (
    <FilterField label={label}>
      <input {...binding} type="datetime-local" step={1} />
    </FilterField>
  );
}
