import { type ComponentChildren } from 'preact';

interface FilterFormProps {
  /** The form's accessible name (tests and screen readers find it by it). */
  label: string;
  /** `search` for a search form (a landmark). */
  role?: 'search';
  /** The submit button's text. */
  submit: string;
  onSubmit(): void;
  /** The fields: `FilterField`s. */
  children: ComponentChildren;
}

/**
 * A row of filter fields and a submit button above a list. Enter in any field submits, and only a
 * submit applies the filter: the list is not read again at every keystroke.
 */
export function FilterForm({ label, role, submit, onSubmit, children }: FilterFormProps) {
  return (
    <form
      class="filters"
      role={role}
      aria-label={label}
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      {children}
      <button type="submit" class="primary">
        {submit}
      </button>
    </form>
  );
}
