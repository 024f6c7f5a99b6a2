/** An API error, shown as text where the action was. */
export function ErrorBanner({ error }: { error: string | undefined }) {
  if (!error) return null;
  return (
    <p class="error" role="alert">
      {error}
    </p>
  );
}
