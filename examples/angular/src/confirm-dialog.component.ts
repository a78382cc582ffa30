import { afterNextRender, ChangeDetectionStrategy, Component, DestroyRef, ElementRef, inject, input, output, viewChild } from '@angular/core';
import { dialogIds, openModal } from '../../shared/dialog';
import type { Confirmation } from '../../shared/labels';

/** A confirmation as WAI-ARIA's dialog pattern (examples/shared/dialog.ts): shown while it exists. */
@Component({
  selector: 'app-confirm-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <dialog #dialog class="confirm" role="alertdialog" [attr.aria-labelledby]="ids.title" [attr.aria-describedby]="ids.text">
      <h3 [id]="ids.title">{{ confirmation().title }}</h3>
      <p [id]="ids.text">{{ confirmation().text }}</p>
      <div class="actions">
        <button class="danger" (click)="confirmed.emit()">{{ confirmation().confirm }}</button>
        <button data-initial-focus (click)="dismissed.emit()">{{ confirmation().dismiss }}</button>
      </div>
    </dialog>
  `,
})
export class ConfirmDialogComponent {
  readonly confirmation = input.required<Confirmation>();
  readonly returnTo = input<string>();
  readonly confirmed = output();
  readonly dismissed = output();

  protected readonly ids = dialogIds();
  private readonly dialog = viewChild.required<ElementRef<HTMLDialogElement>>('dialog');

  constructor() {
    let close = () => {};
    afterNextRender(() => {
      close = openModal(this.dialog().nativeElement, { onDismiss: () => this.dismissed.emit(), returnTo: this.returnTo() });
    });
    inject(DestroyRef).onDestroy(() => close());
  }
}
