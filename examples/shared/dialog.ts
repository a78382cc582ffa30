// WAI-ARIA's dialog pattern on a native <dialog>, framework-free: each example's confirmation
// component calls `openModal` when it is mounted and the returned function when it is removed.

export interface ModalOptions {
  /** Escape: the example then removes the dialog (a lifecycle's `dismiss()`, a flag). */
  onDismiss: () => void;
  /**
   * Where focus goes when the opener can no longer take it (a row's Restore button is
   * disabled once the restore runs): a CSS selector, tried after the page rendered.
   */
  returnTo?: string;
}

const focusable = (element: Element | null): element is HTMLElement =>
  element instanceof HTMLElement && element.isConnected && !element.matches(':disabled') && element.getClientRects().length > 0;

/**
 * Opens `dialog` modal (the page behind it is inert), moves focus to its
 * `[data-initial-focus]` element (the safe choice), and makes Escape call `onDismiss`.
 * Returns the close: focus goes back to the element that opened it, else to `returnTo`.
 */
export function openModal(dialog: HTMLDialogElement, { onDismiss, returnTo }: ModalOptions): () => void {
  const opener = document.activeElement;
  const onCancel = (event: Event) => {
    // the example removes the dialog when its state says so, not the browser
    event.preventDefault();
    onDismiss();
  };
  dialog.addEventListener('cancel', onCancel);
  if (!dialog.open) dialog.showModal();
  dialog.querySelector<HTMLElement>('[data-initial-focus]')?.focus();
  return () => {
    dialog.removeEventListener('cancel', onCancel);
    if (dialog.open) dialog.close();
    // after the framework's render: the opener may be re-enabled, a card's Cancel may appear
    setTimeout(() => {
      const fallback = returnTo ? document.querySelector(returnTo) : null;
      if (focusable(opener)) opener.focus();
      else if (focusable(fallback)) fallback.focus();
    });
  };
}

let dialogs = 0;

/** Ids for a dialog's title and text (aria-labelledby, aria-describedby), unique in the page. */
export function dialogIds(): { title: string; text: string } {
  dialogs += 1;
  return { title: `dialog-${dialogs}-title`, text: `dialog-${dialogs}-text` };
}
