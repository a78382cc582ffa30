import { ChangeDetectionStrategy, Component, computed } from '@angular/core';
import type { Backup } from 'pieces-backup';
import { injectBackupCore, injectBackups, injectLifecycle } from 'pieces-backup/angular';
import { ACTIVE, formatBytes, listAction } from '../../shared/format';

/** The backups on the cloud, each with Restore (which asks for a confirmation first). */
@Component({
  selector: 'app-backups-list',
  changeDetection: ChangeDetectionStrategy.OnPush,
  styles: ':host { display: block; }',
  host: { class: 'card' },
  template: `
    <header class="card-header">
      <h2>Backups</h2>
      <button (click)="core.backups.refresh()">Refresh</button>
    </header>
    @if (list().error; as error) {
      <p class="notice notice-error" role="alert">
        <strong>{{ action() }}</strong> Then press Refresh. <small>{{ error.message }}</small>
      </p>
    }
    @if (list().backups.length === 0) {
      @if (list().status !== 'error') {
        <p class="muted">{{ list().status === 'pending' ? 'Loading backups…' : 'No backups yet.' }}</p>
      }
    } @else {
      <table class="backups">
        <thead>
          <tr><th>Created</th><th>Device</th><th>Size</th><th></th></tr>
        </thead>
        <tbody>
          @for (backup of list().backups; track backup.id) {
            <tr [attr.data-id]="backup.id">
              <td>{{ backup.created.readable ?? backup.created.value }}</td>
              <td>{{ backup.device_name }}</td>
              <td>{{ size(backup) }}</td>
              <td class="right">
                <button (click)="core.restore.restore(backup.id, { backup })" [disabled]="restoreBusy()">Restore</button>
              </td>
            </tr>
          }
        </tbody>
      </table>
    }
  `,
})
export class BackupsListComponent {
  protected readonly core = injectBackupCore();
  protected readonly list = injectBackups();
  protected readonly restoreBusy = injectLifecycle('restoration', (s) => ACTIVE.includes(s.value) || s.value === 'confirming');
  protected readonly action = computed(() => {
    const error = this.list().error;
    return error ? listAction(error) : '';
  });
  protected readonly size = (backup: Backup) => formatBytes(backup.bytes);
}
