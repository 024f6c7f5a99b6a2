export function Stat({ label, value, tone }: { label: string; value: string; tone?: 'bad' | 'warn' | 'ok' }) {
  return (
    <div class={`stat${tone ? ` ${tone}` : ''}`}>
      <div class="stat-value">{value}</div>
      <div class="stat-label">{label}</div>
    </div>
  );
}
