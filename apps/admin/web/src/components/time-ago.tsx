import { fmtAgo, fmtTime } from '../format';

/** "2 min ago", with the exact local time on hover. */
export function TimeAgo({ iso }: { iso: string | null | undefined }) {
  return (
    <time dateTime={iso ?? undefined} title={fmtTime(iso)}>
      {fmtAgo(iso)}
    </time>
  );
}
