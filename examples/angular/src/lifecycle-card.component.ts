import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { injectBackupCore } from 'pieces-backup/angular';
import { ACTIVE, canCancel, formatEta, NOUN, reconnectingText, type Kind, type Snapshot } from '../../shared/format';
import { cardStatus, progressLabel, RESTORE_CONFIRMATION, type Confirmation } from '../../shared/labels';
import { ConfirmDialogComponent } from './confirm-dialog.component';

/** One lifecycle (backup or restore): status, progress with ETA, the restore confirmation, Cancel/Retry, what to do on failure. */
@Component({
  selector: 'app-lifecycle-card',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ConfirmDialogComponent],
  styles: ':host { display: block; }',
  host: { class: 'card', '[attr.data-lifecycle]': 'kind()' },
  template: `
    <header class="card-header">
      <h2>{{ noun() }}</h2>
      @if (kind() === 'backup') {
        <button class="primary" (click)="core.backup.start()" [disabled]="active()">Create backup</button>
      }
    </header>
    <!-- the polite live region: states are announced, percentages are not -->
    <p class="status" role="status">{{ status() }}</p>
    @if (active() || value() === 'done') {
      <div class="progress-row">
        <progress max="100" [value]="snapshot().context.percentage" [attr.aria-label]="progressLabel()"></progress>
        <span class="percentage">{{ percentage() }}%</span>
        <span class="eta">{{ eta() }}</span>
      </div>
    }
    @if (value() === 'confirming') {
      <app-confirm-dialog
        [confirmation]="confirmation()"
        returnTo="[data-lifecycle='restore'] .actions button"
        (confirmed)="core.restore.confirm()"
        (dismissed)="core.restore.dismiss()"
      />
    }
    @if (snapshot().context.retrying) {
      <p class="notice notice-info" role="status">{{ reconnecting() }}</p>
    } @else if (error(); as error) {
      @if (error.outcomeUnknown) {
        <p class="notice notice-warn" role="alert">
          Pieces OS may have finished this, or may still be working on it. Retry checks with Pieces OS before starting anything
          again. <small>{{ error.message }}</small>
        </p>
      } @else {
        <p class="notice notice-error" role="alert">
          <strong>{{ error.userAction }}</strong> <small>{{ error.status ? error.status + ': ' : '' }}{{ error.body ?? error.message }}</small>
        </p>
      }
    }
    <div class="actions">
      @if (cancellable()) {
        <button (click)="lifecycle().cancel()">Cancel</button>
      }
      @if (value() === 'failed') {
        <button (click)="lifecycle().retry()">Retry</button>
      }
    </div>
  `,
})
export class LifecycleCardComponent {
  readonly kind = input.required<Kind>();
  readonly snapshot = input.required<Snapshot>();
  protected readonly core = injectBackupCore();

  protected readonly lifecycle = computed(() => this.core[this.kind()]);
  protected readonly noun = computed(() => NOUN[this.kind()]);
  protected readonly value = computed(() => this.snapshot().value);
  protected readonly active = computed(() => ACTIVE.includes(this.value()));
  protected readonly status = computed(() => cardStatus(this.kind(), this.snapshot()));
  protected readonly progressLabel = computed(() => progressLabel(this.kind()));
  protected readonly confirmation = computed((): Confirmation => ({ title: this.status(), ...RESTORE_CONFIRMATION }));
  protected readonly percentage = computed(() => Math.floor(this.snapshot().context.percentage));
  protected readonly eta = computed(() => (this.active() ? formatEta(this.snapshot().context.eta) : ''));
  protected readonly error = computed(() => (this.value() === 'failed' ? this.snapshot().context.error : null));
  protected readonly reconnecting = computed(() => reconnectingText(this.snapshot()));
  protected readonly cancellable = computed(() => canCancel(this.kind(), this.snapshot()));
}
