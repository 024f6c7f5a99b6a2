import { type ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { useAction } from '../hooks/use-api';
import { Dialog } from './dialog';
import { ErrorBanner } from './error-banner';

interface ConfirmDialogProps {
  title: string;
  /** What the user must type to enable the button (the stream's name, `purge`...). */
  confirmText: string;
  action: string;
  onConfirm(): Promise<unknown>;
  onClose(): void;
  children: ComponentChildren;
}

/** A destructive action's last stop: nothing happens until the exact text is typed. */
export function ConfirmDialog({
  title,
  confirmText,
  action,
  onConfirm,
  onClose,
  children,
}: ConfirmDialogProps) {
  const [typed, setTyped] = useState('');
  const act = useAction();
  const ok = typed === confirmText;
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!ok) return;
    const done = await act.run(async () => {
      await onConfirm();
      return true;
    });
    if (done) onClose();
  };
  return (
    <Dialog title={title} onClose={onClose}>
      <form onSubmit={submit} class="stack">
        <div class="warning">{children}</div>
        <label class="field">
          <span>
            Type <code>{confirmText}</code> to confirm
          </span>
          <input
            autoFocus
            value={typed}
            onInput={(e) => setTyped(e.currentTarget.value)}
            autoComplete="off"
            spellcheck={false}
            aria-label="confirmation"
          />
        </label>
        <ErrorBanner error={act.error} />
        <div class="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="danger" disabled={!ok || act.busy}>
            {act.busy ? 'Working…' : action}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
