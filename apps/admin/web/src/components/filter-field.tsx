import { type ComponentChildren } from 'preact';

interface FilterFieldProps {
  /** The field's label; it names the control inside. */
  label: ComponentChildren;
  /** `grow` takes the room left in the row (the main search); `narrow` suits a short select. */
  width?: 'grow' | 'narrow';
  /** The control: an input or a select. */
  children: ComponentChildren;
}

/** One labelled field of a `FilterForm` row. */
export function FilterField({ label, width, children }: FilterFieldProps) {
  return (
    <label class={width ? `field ${width}` : 'field'}>
      <span>{label}</span>
      {children}
    </label>
  );
}
