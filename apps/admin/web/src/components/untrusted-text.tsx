import { visible } from '../format';

/**
 * Text anyone could have published (subjects, headers, payloads, error messages): a text node,
 * never HTML, with control characters shown as `\u00XX` so an ESC sequence cannot hide anything.
 */
export function UntrustedText({ text, multiline }: { text: string | null | undefined; multiline?: boolean }) {
  return <>{text === null || text === undefined ? '' : visible(text, multiline)}</>;
}

export function Mono({ text, title }: { text: string | null | undefined; title?: boolean }) {
  const shown = text === null || text === undefined ? '' : visible(text);
  return (
    <span class="mono" title={title ? shown : undefined}>
      {shown}
    </span>
  );
}
