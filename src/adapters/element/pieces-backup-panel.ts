import { createBackupClient } from '../../api/index.js';
import { isPiecesBackupError } from '../../core/errors.js';
import type { Backup } from '../../models/index.js';
import type { ProgressTransport } from '../../streams/index.js';
import {
  createBackupCore,
  lifecycleText,
  retentionText,
  scheduleText,
  type BackupCoreOptions,
  type RetentionPolicy,
  toLifecycleError,
  type BackupCore,
  type LifecycleText,
  type LifecycleTextOverrides,
} from '../../core/index.js';

const TEMPLATE = `
<style>
  :host { display: block; font: inherit; }
  [hidden] { display: none !important; }
  .row { display: flex; gap: 0.5em; align-items: center; margin: 0.25em 0; }
  [part~='message'] { color: #a40000; }
  [part~='status']:focus { outline: none; }
  .visually-hidden { position: absolute; width: 1px; height: 1px; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  dialog { border: 1px solid #667085; border-radius: 8px; max-width: 32em; }
  dialog::backdrop { background: rgb(0 0 0 / 0.4); }
  /* the dialog's focus shows however it was opened (mouse or keyboard) */
  dialog button:focus { outline: 3px solid #3056d3; outline-offset: 2px; }
</style>
<p part="status" tabindex="-1"></p>
<p part="announcement" class="visually-hidden" role="status"></p>
<p part="message" role="alert" hidden></p>
<div class="row" data-lifecycle="backup">
  <button part="backup-button" data-action="start">Back up</button>
  <progress part="progress" max="100" value="0" aria-label="Backup progress" hidden></progress>
  <span part="percentage"></span><span part="eta"></span>
  <button part="cancel-button" data-action="cancel" hidden>Cancel</button>
  <button part="retry-button" data-action="retry" hidden>Retry</button>
</div>
<div class="row" data-lifecycle="restore">
  <progress part="progress" max="100" value="0" aria-label="Restore progress" hidden></progress>
  <span part="percentage"></span><span part="eta"></span>
  <button part="cancel-button" data-action="cancel" hidden>Cancel</button>
  <button part="retry-button" data-action="retry" hidden>Retry</button>
</div>
<dialog part="confirm" role="alertdialog" aria-labelledby="confirm-title" aria-describedby="confirm-text" hidden>
  <p part="confirm-title" id="confirm-title"></p>
  <p part="confirm-text" id="confirm-text"></p>
  <button part="confirm-button" data-action="confirm">Restore</button>
  <button part="dismiss-button" data-action="dismiss">Keep my data</button>
</dialog>
<dialog part="delete-confirm" role="alertdialog" aria-labelledby="delete-title" aria-describedby="delete-text" hidden>
  <p part="delete-title" id="delete-title"></p>
  <p part="delete-text" id="delete-text">It is removed from Pieces OS's cloud storage for good. Your local database is not changed.</p>
  <button part="delete-confirm-button" data-action="delete-confirm">Delete</button>
  <button part="delete-dismiss-button" data-action="delete-dismiss">Keep it</button>
</dialog>
<ul part="list" aria-label="Backups"></ul>
<section part="schedule" aria-label="Schedule" hidden>
  <p part="schedule-summary"></p>
  <p part="schedule-state" role="status"></p>
  <p part="schedule-stopped" role="alert" hidden></p>
  <button part="pause-button" data-action="pause">Pause</button>
  <button part="resume-button" data-action="resume" hidden>Resume</button>
</section>
<section part="retention" aria-label="Retention" hidden>
  <p part="retention-policy"></p>
  <ul part="retention-list" aria-label="Retention preview"></ul>
  <button part="prune-button" data-action="prune">Prune now</button>
  <p part="prune-status" role="status"></p>
</section>
<dialog part="prune-confirm" role="alertdialog" aria-labelledby="prune-title" aria-describedby="prune-text" hidden>
  <p part="prune-title" id="prune-title"></p>
  <p part="prune-text" id="prune-text"></p>
  <button part="prune-confirm-button" data-action="prune-confirm">Prune</button>
  <button part="prune-dismiss-button" data-action="prune-dismiss">Keep them</button>
</dialog>`;

// the policy's attributes: `schedule-every="6h"` or `schedule-daily-at="02:30"`, `keep-last="3"`, ...
const SCHEDULE_ATTRIBUTES = { 'schedule-every': 'every', 'schedule-daily-at': 'dailyAt', 'schedule-device': 'deviceName' } as const;
const COUNT_ATTRIBUTES = {
  'keep-last': 'keepLast',
  'keep-hourly': 'keepHourly',
  'keep-daily': 'keepDaily',
  'keep-weekly': 'keepWeekly',
  'keep-monthly': 'keepMonthly',
  'keep-yearly': 'keepYearly',
} as const;

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A backup's date in the user's locale and time zone: `3 Dec 2026, 19:59` (en-GB). */
function backupDate(backup: Backup): string {
  const fromTimestamp = Number(backup.timestamp);
  return dateTime.format(backup.timestamp !== '' && Number.isFinite(fromTimestamp) ? fromTimestamp : Date.parse(backup.created.value));
}

/** The status line of one lifecycle: the core's headline, with the percentage while running. */
function statusLine(text: LifecycleText): string {
  if (text.reconnecting) return `${text.noun}: ${text.reconnecting}`;
  return text.state === 'running' ? `${text.headline}: ${text.percentage}` : text.headline;
}

const Base = (globalThis.HTMLElement ?? class {}) as typeof HTMLElement;

/**
 * `<pieces-backup-panel url="http://127.0.0.1:39300" transport="websocket">`: the backups list,
 * a backup with progress, ETA and cancel, a confirmed restore per backup, and what to do when
 * something fails. Set `panel.core` to share a core of your own instead of `url`.
 */
export class PiecesBackupPanel extends Base {
  static readonly observedAttributes = ['url', 'transport', ...Object.keys(SCHEDULE_ATTRIBUTES), ...Object.keys(COUNT_ATTRIBUTES), 'keep-within'];
  readonly #root = this.attachShadow({ mode: 'open' });
  #core: BackupCore | null = null;
  #own = false;
  #unbind: (() => void) | null = null;
  // what the list was last built from: rebuilt only when it changes, not on every progress tick
  #listed: unknown[] = [];
  #previewed = '';
  #texts: LifecycleTextOverrides | undefined;
  // the row button a dialog was opened from (focus goes back to it), and the backup to delete
  #opener: string | null = null;
  #toDelete: Backup | null = null;
  #deleted = '';
  #asking = false;
  #pruned = '';
  #policyError: string | null = null;

  constructor() {
    super();
    this.#root.innerHTML = TEMPLATE;
    this.#root.addEventListener('click', (event) => this.#act(event));
    // Escape on a modal dialog: dismiss through the state, so the next render closes it
    this.#part('confirm').addEventListener('cancel', (event) => {
      event.preventDefault();
      this.#core?.restore.dismiss();
    });
    this.#part('delete-confirm').addEventListener('cancel', (event) => {
      event.preventDefault();
      this.#dismissDelete();
    });
  }

  /** The core it shows: made from `url` (and disposed with the element), or yours. */
  get core(): BackupCore | null {
    return this.#core;
  }
  set core(core: BackupCore | null) {
    this.#release();
    this.#core = core;
    this.#own = false;
    if (this.isConnected) this.#bind();
  }

  /** Words to show instead of the English ones (any part of `LIFECYCLE_TEXTS`). */
  get texts(): LifecycleTextOverrides | undefined {
    return this.#texts;
  }
  set texts(texts: LifecycleTextOverrides | undefined) {
    this.#texts = texts;
    if (this.#core && this.#unbind) this.#render(this.#core);
  }

  connectedCallback(): void {
    this.#bind();
  }
  disconnectedCallback(): void {
    this.#unbind?.();
    this.#unbind = null;
    if (this.#own) this.#release();
  }
  attributeChangedCallback(): void {
    // a core set as a property is yours: the attributes no longer apply
    if (!this.isConnected || (this.#core && !this.#own)) return;
    this.#release();
    this.#bind();
  }

  #release(): void {
    this.#unbind?.();
    this.#unbind = null;
    this.#listed = [];
    this.#previewed = '';
    if (this.#own) this.#core?.dispose();
    this.#core = null;
  }

  #bind(): void {
    const url = this.getAttribute('url');
    if (!this.#core && url) {
      const transport = (this.getAttribute('transport') ?? undefined) as ProgressTransport | undefined;
      const client = createBackupClient({ baseUrl: url });
      this.#policyError = null;
      try {
        this.#core = createBackupCore(client, { ...(transport && { transport }), ...this.#policy() });
      } catch (error) {
        if (!isPiecesBackupError(error, 'PolicyInputError')) throw error;
        // shown in the message part; the panel works on without a schedule
        this.#policyError = `The schedule or retention attributes are not valid: ${error.message}`;
        this.#core = createBackupCore(client, { ...(transport && { transport }) });
      }
      this.#own = true;
    }
    const core = this.#core;
    if (!core) return this.#text('status', 'Set the url attribute to the address of Pieces OS.');
    if (this.#unbind) return;
    const render = () => this.#render(core);
    const stores = [core.backup, core.restore, core.backups, core.operations, core.schedule, core.retention];
    const stops = stores.map((store: { subscribe(listener: () => void): () => void }) => store.subscribe(render));
    // "2 h ago" and "next in 4 h" age without any store changing
    const timer = setInterval(render, 15_000);
    this.#unbind = () => {
      clearInterval(timer);
      stops.forEach((stop) => stop());
    };
    render();
  }

  /** The schedule and retention options the attributes give (none when no attribute names one). */
  #policy(): Pick<BackupCoreOptions, 'schedule' | 'retention'> {
    const schedule: Record<string, string> = {};
    for (const [attribute, key] of Object.entries(SCHEDULE_ATTRIBUTES)) {
      const value = this.getAttribute(attribute);
      if (value !== null) schedule[key] = value;
    }
    // a device name alone is no schedule
    if (schedule.every === undefined && schedule.dailyAt === undefined) delete schedule.deviceName;
    const retention: RetentionPolicy = {};
    for (const [attribute, key] of Object.entries(COUNT_ATTRIBUTES)) {
      const value = this.getAttribute(attribute);
      // a count that is not a number stays NaN: the core refuses it, naming the field
      if (value !== null) retention[key] = value.trim() === '' ? Number.NaN : Number(value);
    }
    const within = this.getAttribute('keep-within');
    if (within !== null) retention.keepWithin = within;
    return {
      ...(Object.keys(schedule).length > 0 && { schedule }),
      ...(Object.keys(retention).length > 0 && { retention }),
    };
  }

  #act(event: Event): void {
    const button = (event.target as Element).closest('button');
    const core = this.#core;
    if (!button || !core) return;
    const lifecycle = button.closest('[data-lifecycle]')?.getAttribute('data-lifecycle') === 'backup' ? core.backup : core.restore;
    const action = button.dataset.action;
    if (action === 'start') core.backup.start();
    else if (action === 'cancel') lifecycle.cancel();
    else if (action === 'retry') lifecycle.retry();
    else if (action === 'restore') {
      this.#opener = `button[data-action="restore"][data-id="${button.dataset.id}"]`;
      const backup = core.backups.getSnapshot().backups.find((b) => b.id === button.dataset.id);
      core.restore.restore(button.dataset.id!, backup ? { backup } : {});
    } else if (action === 'confirm') core.restore.confirm();
    else if (action === 'dismiss') core.restore.dismiss();
    else if (action === 'delete') {
      this.#opener = `button[data-action="delete"][data-backup="${button.dataset.backup}"]`;
      this.#toDelete = core.backups.getSnapshot().backups.find((b) => b.id === button.dataset.backup) ?? null;
      this.#deleted = '';
      this.#render(core);
    } else if (action === 'delete-dismiss') this.#dismissDelete();
    else if (action === 'pause') core.schedule.pause();
    else if (action === 'resume') core.schedule.resume();
    else if (action === 'prune') {
      this.#opener = 'button[data-action="prune"]';
      this.#asking = true;
      this.#render(core);
    } else if (action === 'prune-dismiss') {
      this.#asking = false;
      this.#render(core);
    } else if (action === 'prune-confirm') this.#prune(core);
    else if (action === 'delete-confirm') this.#delete(core);
  }

  #dismissDelete(): void {
    this.#toDelete = null;
    if (this.#core) this.#render(this.#core);
  }

  #delete(core: BackupCore): void {
    const backup = this.#toDelete;
    if (!backup) return;
    this.#toDelete = null;
    // the row goes away: focus the status line, not a button about to be removed
    this.#opener = null;
    this.#render(core);
    void core.backups.delete(backup.id).then(() => {
      const failed = core.backups.getSnapshot().deleteError?.backupId === backup.id;
      this.#deleted = failed ? '' : `The backup of ${backupDate(backup)} was deleted.`;
      if (this.#core === core) this.#render(core);
    });
  }

  #prune(core: BackupCore): void {
    this.#asking = false;
    this.#pruned = 'Pruning…';
    this.#render(core);
    const said = (words: string) => {
      this.#pruned = words;
      if (this.#core === core) this.#render(core);
    };
    core.retention.prune().then(
      ({ deleted, skipped, failed }) => said(`Pruned: ${deleted} removed${skipped ? `, ${skipped} skipped` : ''}${failed ? `, ${failed} failed` : ''}.`),
      (error: Error) => said(`Prune failed: ${error.message}`),
    );
  }

  /** Opens or closes a modal dialog; focus moves to its safe button, and back when it closes. */
  #dialog(name: string, open: boolean, safe: string): void {
    const dialog = this.#part(name) as HTMLDialogElement;
    if (open === !dialog.hidden) return;
    dialog.hidden = !open;
    if (open) {
      if (!dialog.open) dialog.showModal?.();
      this.#part(safe).focus();
      return;
    }
    if (dialog.open) dialog.close();
    const opener = this.#opener ? (this.#root.querySelector(this.#opener) as HTMLButtonElement | null) : null;
    this.#opener = null;
    (opener && !opener.disabled ? opener : this.#part('status')).focus();
  }

  #render(core: BackupCore): void {
    const texts = this.#texts && { texts: this.#texts };
    const backup = lifecycleText('creation', core.backup.getSnapshot(), texts);
    const restoreSnapshot = core.restore.getSnapshot();
    const restoreText = lifecycleText('restoration', restoreSnapshot, texts);
    const confirming = restoreSnapshot.context.backup;
    // the date in the user's locale and time zone (the core's facts carry the daemon's GMT words)
    const restore =
      restoreText.state === 'confirming' && confirming && !this.#texts?.headlines?.confirming
        ? { ...restoreText, headline: `Restore the backup of ${backupDate(confirming)}?` }
        : restoreText;
    const list = core.backups.getSnapshot();
    const restoring = restore.busy || restore.state === 'confirming';
    this.#text('status', restore.state === 'idle' ? statusLine(backup) : `${statusLine(backup)} ${statusLine(restore)}`);
    // what a screen reader hears (politely): the states, not every percent
    const said = [backup.reconnecting ?? backup.headline, ...(restore.state === 'idle' ? [] : [restore.reconnecting ?? restore.headline]), this.#deleted];
    this.#text('announcement', said.filter(Boolean).join(' '));
    const listFailure = list.error && `The backups could not be listed. ${toLifecycleError(list.error, false).userAction}`;
    const message = backup.userAction ?? restore.userAction ?? listFailure ?? this.#policyError ?? '';
    this.#text('message', message);
    this.#part('message').hidden = message === '';
    this.#lifecycle('creation', backup, core.backup.getSnapshot().context.percentage);
    this.#lifecycle('restoration', restore, restoreSnapshot.context.percentage);
    (this.#root.querySelector('[data-action="start"]') as HTMLButtonElement).disabled = backup.busy;
    this.#text('confirm-title', restore.state === 'confirming' ? restore.headline : '');
    this.#text('confirm-text', `Restoring ${restoreSnapshot.context.backupId ?? ''} replaces the local database (it does not sync). Continue?`);
    this.#text('delete-title', this.#toDelete ? `Delete the backup of ${backupDate(this.#toDelete)}?` : '');
    this.#list(list.backups, list.status === 'pending' ? 'Loading backups…' : 'No backups yet.', restoring, list.deleting);
    this.#schedule(core);
    this.#retention(core);
    this.#dialog('confirm', restore.state === 'confirming', 'dismiss-button');
    this.#dialog('prune-confirm', this.#asking, 'prune-dismiss-button');
    this.#dialog('delete-confirm', this.#toDelete !== null, 'delete-dismiss-button');
  }

  #schedule(core: BackupCore): void {
    const view = core.schedule.getSnapshot();
    this.#part('schedule').hidden = !view.configured;
    if (!view.configured) return;
    const text = scheduleText(view);
    this.#text('schedule-summary', text.stale ? `${text.summary} (${text.stale})` : text.summary);
    this.#text('schedule-state', `${view.label}: ${text.state}`);
    const stopped = view.stoppedBy ? view.stoppedBy.userAction : '';
    this.#text('schedule-stopped', stopped);
    this.#part('schedule-stopped').hidden = stopped === '';
    const paused = view.phase === 'paused' || view.phase === 'stopped';
    this.#part('pause-button').hidden = paused;
    this.#part('resume-button').hidden = !paused;
  }

  #retention(core: BackupCore): void {
    const view = core.retention.getSnapshot();
    this.#part('retention').hidden = view.policy === null;
    if (view.policy === null) return;
    const entries = view.plan?.entries ?? [];
    const removals = view.plan?.remove ?? [];
    const rules = Object.entries(COUNT_ATTRIBUTES).flatMap(([attribute, key]) => (view.policy![key] === undefined ? [] : [`${attribute.slice(5)} ${view.policy![key]}`]));
    if (view.policy.keepWithin !== undefined) rules.push(`within ${view.policy.keepWithin}`);
    this.#text('retention-policy', `Keeping ${rules.join(', ')}; never the newest backup, nor one being restored.`);
    const lines = entries.map((entry) => `${backupDate(entry.backup)} (${entry.backup.device_name}): ${retentionText(entry)}`);
    if (this.#previewed !== lines.join('\n')) {
      this.#previewed = lines.join('\n');
      const items = entries.map((entry, i) => Object.assign(document.createElement('li'), { textContent: lines[i] }));
      items.forEach((item, i) => Object.assign(item.dataset, { id: entries[i]!.id, action: entries[i]!.action }));
      this.#part('retention-list').replaceChildren(...items);
    }
    (this.#part('prune-button') as HTMLButtonElement).disabled = view.pruning || removals.length === 0;
    this.#text('prune-status', this.#pruned);
    this.#text('prune-title', `Remove ${removals.length} ${removals.length === 1 ? 'backup' : 'backups'}?`);
    this.#text('prune-text', `These are deleted from Pieces OS for good: ${removals.map((entry) => backupDate(entry.backup)).join('; ')}.`);
  }

  #lifecycle(kind: 'creation' | 'restoration', text: LifecycleText, percentage: number): void {
    const row = this.#root.querySelector(`[data-lifecycle="${kind === 'creation' ? 'backup' : 'restore'}"]`)!;
    const part = (name: string) => row.querySelector(`[part="${name}"]`) as HTMLElement;
    const progress = part('progress') as HTMLProgressElement;
    progress.hidden = !text.busy && text.state !== 'done';
    progress.value = percentage;
    part('percentage').textContent = progress.hidden ? '' : text.percentage;
    part('eta').textContent = text.eta;
    part('cancel-button').hidden = !text.canCancel;
    part('retry-button').hidden = !text.canRetry;
  }

  #list(backups: readonly Backup[], empty: string, restoring: boolean, deleting: readonly string[]): void {
    const inputs = [backups, empty, restoring, deleting];
    if (inputs.every((input, i) => input === this.#listed[i])) return;
    this.#listed = inputs;
    const items = backups.map((backup) => {
      const item = document.createElement('li');
      item.setAttribute('part', 'backup');
      const date = backupDate(backup);
      item.textContent = `${date} (${backup.device_name}) `;
      const button = document.createElement('button');
      Object.assign(button, { textContent: 'Restore', disabled: restoring });
      button.setAttribute('aria-label', `Restore the backup of ${date}`);
      Object.assign(button.dataset, { action: 'restore', id: backup.id });
      const remove = document.createElement('button');
      const busy = deleting.includes(backup.id);
      Object.assign(remove, { textContent: busy ? 'Deleting…' : 'Delete', disabled: busy });
      remove.setAttribute('aria-label', `Delete the backup of ${date}`);
      remove.setAttribute('part', 'delete-button');
      Object.assign(remove.dataset, { action: 'delete', backup: backup.id });
      item.append(button, ' ', remove);
      return item;
    });
    if (items.length === 0) items.push(Object.assign(document.createElement('li'), { textContent: empty }));
    this.#part('list').replaceChildren(...items);
  }

  #part(name: string): HTMLElement {
    return this.#root.querySelector(`[part="${name}"]`) as HTMLElement;
  }
  #text(name: string, text: string): void {
    const element = this.#part(name);
    if (element.textContent !== text) element.textContent = text;
  }
}
