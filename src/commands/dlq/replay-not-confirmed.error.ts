/**
 * A replay above the confirmation threshold with nobody to confirm it (no terminal) and no `--yes`:
 * nothing was published or deleted.
 */
export class ReplayNotConfirmedError extends Error {
  constructor(
    readonly count: number,
    /** The plan, most dead letters first. */
    readonly targets: readonly { subject: string; stream: string; count: number }[],
  ) {
    const shown = targets
      .slice(0, 3)
      .map((t) => `${t.subject} → ${t.stream}: ${t.count}`)
      .join(', ');
    const more = targets.length > 3 ? `, and ${targets.length - 3} more subjects` : '';
    super(
      `refusing to replay ${count} dead letters (${shown}${more}) without confirmation: ` +
        'no terminal to ask on; check with --dry-run, then pass --yes',
    );
    this.name = 'ReplayNotConfirmedError';
  }
}
