import { type ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

interface DialogProps {
  title: string;
  onClose(): void;
  children: ComponentChildren;
  /** A side panel (details) rather than a centred dialog (confirmations, forms). */
  drawer?: boolean;
  wide?: boolean;
}

/**
 * A modal `<dialog>`: the browser traps focus inside it, Esc closes it (its `cancel` event), and
 * focus returns to whatever opened it.
 */
export function Dialog({ title, onClose, children, drawer, wide }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return undefined;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialog.showModal();
    const onCancel = (e: Event) => {
      e.preventDefault();
      closeRef.current();
    };
    dialog.addEventListener('cancel', onCancel);
    return () => {
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
      opener?.focus();
    };
  }, []);
  const cls = ['dialog', drawer ? 'drawer' : '', wide ? 'wide' : ''].filter(Boolean).join(' ');
  return (
    <dialog ref={ref} class={cls} aria-label={title}>
      <header class="dialog-head">
        <h2>{title}</h2>
        <button type="button" class="icon" aria-label="Close" title="Close (Esc)" onClick={() => onClose()}>
          ×
        </button>
      </header>
      <div class="dialog-body">{children}</div>
    </dialog>
  );
}
