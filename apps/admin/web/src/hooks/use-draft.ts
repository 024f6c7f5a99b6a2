import { type TargetedEvent } from 'preact';
import { useState } from 'preact/hooks';

/**
 * The keys of `T` whose values are any string: the fields a text input or a select can edit (not a
 * union of literals, which a typed value could leave).
 */
type TextKey<T> = {
  [K in keyof T]: string extends T[K] ? (T[K] extends string ? K : never) : never;
}[keyof T] &
  string;

/** What binds one `<input>` to a field of a draft: spread it onto the input. */
export interface TextBinding<K extends string> {
  name: K;
  value: string;
  onInput(e: TargetedEvent<HTMLInputElement, Event>): void;
}

/** What binds one `<select>` to a field of a draft: spread it onto the select. */
export interface SelectBinding<K extends string> {
  name: K;
  value: string;
  onChange(e: TargetedEvent<HTMLSelectElement, Event>): void;
}

export interface Draft<T> {
  /** The fields as typed so far. */
  value: T;
  set(patch: Partial<T>): void;
  /** `<input {...draft.text('subject')} />`: the input named after the field, showing and editing it. */
  text<K extends TextKey<T>>(name: K): TextBinding<K>;
  /** `<select {...draft.select('reason')}>`: the same for a select of string options. */
  select<K extends TextKey<T>>(name: K): SelectBinding<K>;
}

/**
 * A filter as it is being typed, before it is applied: filter forms keep the draft apart so that the
 * list is read again only when the form is submitted, not at every keystroke.
 */
export function useDraft<T extends object>(initial: T | (() => T)): Draft<T> {
  const [value, setValue] = useState<T>(initial);
  const set = (patch: Partial<T>) => setValue({ ...value, ...patch });
  return {
    value,
    set,
    text: (name) => ({
      name,
      // TextKey<T> only admits string fields; TypeScript cannot follow that through the generic index.
      value: value[name] as string,
      onInput: (e) => set({ [name]: e.currentTarget.value } as Partial<T>),
    }),
    select: (name) => ({
      name,
      value: value[name] as string,
      onChange: (e) => set({ [name]: e.currentTarget.value } as Partial<T>),
    }),
  };
}
