import { ChangeDetectionStrategy, Component, DestroyRef, inject, signal } from '@angular/core';
import { injectLifecycle } from 'pieces-backup/angular';
import { watchAssetCount } from '../../shared/asset-count';
import { BackupsListComponent } from './backups-list.component';
import { DAEMON_URL } from './daemon-url';
import { PAGE_POLICY } from './page-policy';
import { LifecycleCardComponent } from './lifecycle-card.component';
import { OperationsComponent } from './operations.component';
import { SchedulePanelComponent } from './schedule-panel.component';

// The same dashboard as examples/react, in Angular: the same DOM, so the same browser test drives both.
@Component({
  selector: 'app-root',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [BackupsListComponent, LifecycleCardComponent, OperationsComponent, SchedulePanelComponent],
  template: `
    <main>
      <header class="page-header">
        <h1>Pieces backups</h1>
        <p class="muted">
          Pieces OS at <code>{{ daemonUrl }}</code>
          @if (assets() !== null) {
            <span class="assets"> · local database: <strong data-testid="asset-count">{{ assets() }}</strong> assets</span>
          }
        </p>
      </header>
      <app-operations />
      <div class="grid">
        <!-- inputs are not readable while a component is built, so the lifecycles are selected here -->
        <app-lifecycle-card kind="backup" [snapshot]="backup()" />
        <app-lifecycle-card kind="restore" [snapshot]="restore()" />
      </div>
      <app-schedule-panel [policyError]="policyError" />
      <app-backups-list />
    </main>
  `,
})
export class AppComponent {
  protected readonly daemonUrl = inject(DAEMON_URL);
  protected readonly policyError = inject(PAGE_POLICY).error;
  // the emulator's local asset count (null, and hidden, on a real Pieces OS), read every second
  protected readonly assets = signal<number | null>(null);
  protected readonly backup = injectLifecycle('creation');
  protected readonly restore = injectLifecycle('restoration');

  constructor() {
    inject(DestroyRef).onDestroy(watchAssetCount(this.daemonUrl, (count) => this.assets.set(count)));
  }
}
