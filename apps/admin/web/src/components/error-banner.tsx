import { visible } from '../format';

/**
 * An API error, shown as text where the action was. Its message can quote what anyone could have
 * published (a dead letter's subject in a refused replay), so control characters are made visible.
 */
export function ErrorBanner({ error }: { error: string | undefined }) {
  if (!error) return null;
  return (
    <p class="error" role="alert">
      {visible(error, true)}
    </p>
  );
}
