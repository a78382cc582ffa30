import { ChangeDetectionStrategy, Component, computed, signal } from '@angular/core';
import type { Backup } from 'pieces-backup';
import { injectBackupCore, injectBackups, injectLifecycle } from 'pieces-backup/angular';
import { ACTIVE, formatBytes, listAction } from '../../shared/format';
import { backupDate, deleteConfirmation, deleteFailedText, deleteLabel, restoreLabel } from '../../shared/labels';
import { ConfirmDialogComponent } from './confirm-dialog.component';

/** The backups on the cloud, each with Restore and Delete (each asks for a confirmation first). */
@Component({
  selector: 'app-backups-list',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ConfirmDialogComponent],
  styles: ':host { display: block; }',
  host: { class: 'card', role: 'region', 'aria-labelledby': 'backups-title' },
  template: `
    <header class="card-header">
      <h2 id="backups-title">Backups</h2>
      <button data-refresh (click)="core.backups.refresh()">Refresh</button>
    </header>
    @if (list().error; as error) {
      <p class="notice notice-error" role="alert">
        <strong>{{ action() }}</strong> Then press Refresh. <small>{{ error.message }}</small>
      </p>
    }
    @if (deleteError()) {
      <p class="notice notice-error" role="alert">{{ deleteError() }}</p>
    }
    <p class="visually-hidden" role="status">
      @for (backup of busyDeleting(); track backup.id) {Deleting the backup of {{ date(backup) }}… }
    </p>
    @if (list().backups.length === 0) {
      @if (list().status !== 'error') {
        <p class="muted">{{ list().status === 'pending' ? 'Loading backups…' : 'No backups yet.' }}</p>
      }
    } @else {
      <table class="backups">
        <thead>
          <tr>
            <th scope="col">Created</th><th scope="col">Device</th><th scope="col">Size</th><th scope="col"><span class="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          @for (backup of list().backups; track backup.id) {
            <tr [attr.data-id]="backup.id">
              <td><time [attr.datetime]="backup.created.value">{{ date(backup) }}</time></td>
              <td>{{ backup.device_name }}</td>
              <td>{{ size(backup) }}</td>
              <td class="right">
                <span class="row-actions">
                  <button (click)="core.restore.restore(backup.id, { backup })" [disabled]="restoreBusy()" [attr.aria-label]="restoreLabel(backup)">
                    Restore
                  </button>
                  <button (click)="deleting.set(backup)" [disabled]="list().deleting.includes(backup.id)" [attr.aria-label]="deleteLabel(backup)">
                    Delete
                  </button>
                </span>
              </td>
            </tr>
          }
        </tbody>
      </table>
    }
    @if (deleting(); as backup) {
      <app-confirm-dialog
        [confirmation]="deleteConfirmation(backup)"
        returnTo="[data-refresh]"
        (confirmed)="confirmDelete(backup)"
        (dismissed)="deleting.set(null)"
      />
    }
  `,
})
export class BackupsListComponent {
  protected readonly core = injectBackupCore();
  protected readonly list = injectBackups();
  protected readonly restoreBusy = injectLifecycle('restoration', (s) => ACTIVE.includes(s.value));
  // the backup whose Delete asks for a confirmation (the core deletes at once)
  protected readonly deleting = signal<Backup | null>(null);
  protected readonly action = computed(() => {
    const error = this.list().error;
    return error ? listAction(error) : '';
  });
  protected readonly deleteError = computed(() => {
    const { deleteError: failure, backups } = this.list();
    return failure ? deleteFailedText(backups.find((b) => b.id === failure.backupId), failure.error.message) : '';
  });
  protected readonly busyDeleting = computed(() => this.list().backups.filter((b) => this.list().deleting.includes(b.id)));
  protected readonly size = (backup: Backup) => formatBytes(backup.bytes);
  protected readonly date = backupDate;
  protected readonly restoreLabel = restoreLabel;
  protected readonly deleteLabel = deleteLabel;
  protected readonly deleteConfirmation = deleteConfirmation;

  protected confirmDelete(backup: Backup): void {
    this.deleting.set(null);
    void this.core.backups.delete(backup.id);
  }
}
