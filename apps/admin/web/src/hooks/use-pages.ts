import { useState } from 'preact/hooks';

/** Where a paged list is: the cursor of the page shown, and the way back to the earlier ones. */
export interface Pages<C> {
  /** The cursor of the page shown; undefined on the first page. */
  cursor: C | undefined;
  /** The page shown, counted from 1. */
  number: number;
  /** Back to the page before (no-op on the first). */
  back(): void;
  /** On to the page that starts at `next`, the cursor the API answered with. */
  forward(next: C): void;
  /** Back to the first page: a new filter starts over. */
  reset(): void;
}

/**
 * The cursors of the pages visited, so that "Previous" can go back: the API only hands out the cursor
 * of the next page.
 */
export function usePages<C>(): Pages<C> {
  const [cursors, setCursors] = useState<(C | undefined)[]>([undefined]);
  return {
    cursor: cursors[cursors.length - 1],
    number: cursors.length,
    back: () => setCursors(cursors.length > 1 ? cursors.slice(0, -1) : cursors),
    forward: (next) => setCursors([...cursors, next]),
    reset: () => setCursors([undefined]),
  };
}
