import { type ComponentChildren } from 'preact';
import { type Pages } from '../hooks/use-pages';

interface PagerProps<C> {
  pages: Pages<C>;
  /** The cursor of the page after the one shown, as the API answered it; null or undefined at the end. */
  next: C | null | undefined;
  /** @default '← Previous' */
  backLabel?: string;
  /** @default 'Next →' */
  forwardLabel?: string;
  /** Shown after "Page N" (e.g. how much the page scanned). */
  children?: ComponentChildren;
}

/** "← Previous · Page N · Next →" under a paged list. */
export function Pager<C>({
  pages,
  next,
  backLabel = '← Previous',
  forwardLabel = 'Next →',
  children,
}: PagerProps<C>) {
  return (
    <div class="pager">
      <button type="button" disabled={pages.number <= 1} onClick={pages.back}>
        {backLabel}
      </button>
      <span class="muted">
        Page {pages.number}
        {children}
      </span>
      <button
        type="button"
        disabled={next === null || next === undefined}
        onClick={() => next !== null && next !== undefined && pages.forward(next)}
      >
        {forwardLabel}
      </button>
    </div>
  );
}
