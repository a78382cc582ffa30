import { ChangeDetectionStrategy, Component, computed } from '@angular/core';
import { injectLifecycle, injectOperations } from 'pieces-backup/angular';
import { mine } from '../../shared/format';

/** Operations running on the daemon that this page did not start (another tab, the CLI, a reload). */
@Component({
  selector: 'app-operations',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (running().length > 0) {
      <section class="card">
        <h2>Started elsewhere</h2>
        <ul class="operations">
          @for (operation of running(); track operation.kind + operation.backupId) {
            <li>
              {{ operation.kind === 'creation' ? 'Backup' : 'Restore' }} <code>{{ operation.backupId }}</code>: {{ whole(operation.percentage) }}%
            </li>
          }
        </ul>
      </section>
    }
  `,
})
export class OperationsComponent {
  private readonly operations = injectOperations();
  private readonly ours = [injectLifecycle('creation', mine), injectLifecycle('restoration', mine)];
  protected readonly running = computed(() => {
    const { creations, restorations } = this.operations();
    const own = this.ours.map((id) => id());
    return [...creations, ...restorations].filter((operation) => !own.includes(operation.backupId));
  });
  protected readonly whole = (percentage: number | null | undefined) => Math.floor(percentage ?? 0);
}
