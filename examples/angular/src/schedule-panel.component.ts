import { ChangeDetectionStrategy, Component, computed, DestroyRef, inject, input, signal } from '@angular/core';
import { retentionText, scheduleText, type RetentionPlan } from 'pieces-backup';

type RetentionEntry = RetentionPlan['entries'][number];
import { injectBackupCore, injectBackups, injectRetention, injectSchedule } from 'pieces-backup/angular';
import { backupDate } from '../../shared/labels';
import { pauseOrResume, policyLabel, pruneConfirmation, pruneReportText, scheduleSummary, watchClock } from '../../shared/schedule';
import { ConfirmDialogComponent } from './confirm-dialog.component';

/** The schedule (core.schedule) and the retention preview (core.retention): what runs by itself. */
@Component({
  selector: 'app-schedule-panel',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ConfirmDialogComponent],
  styles: ':host { display: block; }',
  host: { class: 'card schedule', 'data-panel': 'schedule', role: 'region', 'aria-labelledby': 'schedule-title' },
  template: `
    <header class="card-header">
      <h2 id="schedule-title">Schedule</h2>
      @if (command(); as label) {
        <button (click)="toggle()">{{ label }}</button>
      }
    </header>
    <p class="schedule-summary" data-testid="schedule-summary">{{ summary() }}</p>
    <p class="muted">{{ about() }}</p>
    <!-- a polite live region: the schedule's state changes are announced -->
    <p class="status" role="status" data-testid="schedule-state">{{ schedule().configured ? text().state : '' }}</p>
    @if (text().stale; as stale) {
      <p class="notice notice-warn">{{ stale }}</p>
    }
    @if (policyError(); as error) {
      <p class="notice notice-error" role="alert">{{ error }}</p>
    }
    @if (retention().policy; as policy) {
      <h3>Retention: keep {{ label(policy) }}</h3>
      @if (plan()?.entries?.length) {
        <table class="retention">
          <thead>
            <tr><th scope="col">Created</th><th scope="col">Device</th><th scope="col">Prune would</th></tr>
          </thead>
          <tbody>
            @for (entry of plan()!.entries; track entry.id) {
              <tr [attr.data-id]="entry.id" [attr.data-action]="entry.action">
                <td>{{ date(entry) }}</td>
                <td>{{ entry.backup.device_name }}</td>
                <td class="reasons">{{ reasons(entry) }}</td>
              </tr>
            }
          </tbody>
        </table>
      } @else {
        <p class="muted">Nothing to keep or remove yet.</p>
      }
      <div class="actions">
        <button class="danger" [disabled]="!canPrune()" (click)="confirming.set(true)">Prune now</button>
      </div>
      <p class="muted" role="status" data-testid="prune-report">{{ report() }}</p>
      @if (retention().error; as error) {
        <p class="notice notice-error" role="alert">{{ error.userAction }}</p>
      }
    }
    @if (confirmation(); as confirmation) {
      <app-confirm-dialog
        [confirmation]="confirmation"
        returnTo="[data-panel='schedule'] .card-header button, [data-refresh]"
        (confirmed)="prune()"
        (dismissed)="confirming.set(false)"
      />
    }
  `,
})
export class SchedulePanelComponent {
  readonly policyError = input<string | null>(null);
  private readonly core = injectBackupCore();
  protected readonly schedule = injectSchedule();
  protected readonly retention = injectRetention();
  private readonly backups = injectBackups((state) => state.backups);
  // ages and "next in" are measured now: re-rendered every 30 s
  private readonly now = signal(Date.now());
  protected readonly confirming = signal(false);

  protected readonly text = computed(() => scheduleText(this.schedule(), { now: this.now() }));
  protected readonly summary = computed(() => scheduleSummary(this.schedule(), this.backups(), this.now()));
  protected readonly command = computed(() => pauseOrResume(this.schedule()));
  protected readonly about = computed(() => {
    const { configured, label } = this.schedule();
    return configured ? `Backs up ${label}.` : 'Backups run when you ask (add ?every=6h to the address for a schedule).';
  });
  protected readonly plan = computed(() => this.retention().plan);
  protected readonly canPrune = computed(() => (this.plan()?.remove.length ?? 0) > 0 && !this.retention().pruning);
  protected readonly report = computed(() => {
    const { pruning, lastReport } = this.retention();
    return pruning ? 'Pruning…' : lastReport ? pruneReportText(lastReport) : '';
  });
  protected readonly confirmation = computed(() => {
    const plan = this.plan();
    return this.confirming() && plan ? pruneConfirmation(plan) : null;
  });
  protected readonly label = policyLabel;
  protected readonly date = (entry: RetentionEntry) => backupDate(entry.backup);
  protected readonly reasons = (entry: RetentionEntry) => retentionText(entry);

  constructor() {
    inject(DestroyRef).onDestroy(watchClock((at) => this.now.set(at)));
  }

  protected toggle(): void {
    if (this.command() === 'Pause') this.core.schedule.pause();
    else this.core.schedule.resume();
  }

  protected prune(): void {
    this.confirming.set(false);
    // a prune that cannot run says so in core.retention's error
    this.core.retention.prune().catch(() => undefined);
  }
}
