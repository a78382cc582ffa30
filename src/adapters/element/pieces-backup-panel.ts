import { toLifecycleError } from '../../../machines/index.js';
import { createBackupClient } from '../../api/index.js';
import type { Backup } from '../../models/index.js';
import type { ProgressTransport } from '../../streams/index.js';
import { createBackupCore, type BackupCore, type BackupSnapshot, type RestoreSnapshot } from '../../core/index.js';

const TEMPLATE = `
<style>
  :host { display: block; font: inherit; }
  [hidden] { display: none !important; }
  .row { display: flex; gap: 0.5em; align-items: center; margin: 0.25em 0; }
  [part~='message'] { color: #a40000; }
</style>
<p part="status" role="status"></p>
<p part="message" role="alert" hidden></p>
<div class="row" data-lifecycle="backup">
  <button part="backup-button" data-action="start">Back up</button>
  <progress part="progress" max="100" value="0" hidden></progress>
  <span part="percentage"></span><span part="eta"></span>
  <button part="cancel-button" data-action="cancel" hidden>Cancel</button>
  <button part="retry-button" data-action="retry" hidden>Retry</button>
</div>
<div class="row" data-lifecycle="restore">
  <progress part="progress" max="100" value="0" hidden></progress>
  <span part="percentage"></span><span part="eta"></span>
  <button part="cancel-button" data-action="cancel" hidden>Cancel</button>
  <button part="retry-button" data-action="retry" hidden>Retry</button>
</div>
<div part="confirm" role="alertdialog" hidden>
  <p part="confirm-text"></p>
  <button part="confirm-button" data-action="confirm">Restore</button>
  <button part="dismiss-button" data-action="dismiss">Keep my data</button>
</div>
<ul part="list"></ul>`;

type Snapshot = BackupSnapshot | RestoreSnapshot;
const ACTIVE = ['starting', 'running', 'cancelling'];
const NOUN = { backup: 'Backup', restore: 'Restore' } as const;

function describe(kind: 'backup' | 'restore', { value, context }: Snapshot): string {
  const noun = NOUN[kind];
  if (context.retrying) return `${noun}: reconnecting to Pieces OS…`;
  switch (value) {
    case 'idle': return kind === 'backup' ? 'No backup running.' : 'No restore running.';
    case 'confirming': return 'Confirm the restore below.';
    case 'starting': return `${noun} starting…`;
    case 'running': return `${noun} running: ${Math.floor(context.percentage)}%`;
    case 'cancelling': return `${noun} cancelling…`;
    case 'checking': return `${noun}: asking Pieces OS whether it ran…`;
    case 'done': return context.tooLateToCancel ? `${noun} finished before the cancel reached it.` : `${noun} complete.`;
    case 'cancelled': return `${noun} cancelled.`;
    default: return context.error?.outcomeUnknown ? `${noun}: the outcome is unknown.` : `${noun} failed.`;
  }
}

function formatEta(ms: number | null): string {
  if (ms === null) return '';
  const seconds = Math.max(1, Math.round(ms / 1000));
  return seconds < 60 ? `about ${seconds} s left` : `about ${Math.floor(seconds / 60)} min ${seconds % 60} s left`;
}

const Base = (globalThis.HTMLElement ?? class {}) as typeof HTMLElement;

/**
 * `<pieces-backup-panel url="http://127.0.0.1:39300" transport="websocket">`: the backups list,
 * a backup with progress, ETA and cancel, a confirmed restore per backup, and what to do when
 * something fails. Set `panel.core` to share a core of your own instead of `url`.
 */
export class PiecesBackupPanel extends Base {
  static readonly observedAttributes = ['url', 'transport'];
  readonly #root = this.attachShadow({ mode: 'open' });
  #core: BackupCore | null = null;
  #own = false;
  #unbind: (() => void) | null = null;
  // what the list was last built from: rebuilt only when it changes, not on every progress tick
  #listed: unknown[] = [];

  constructor() {
    super();
    this.#root.innerHTML = TEMPLATE;
    this.#root.addEventListener('click', (event) => this.#act(event));
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
    if (this.#own) this.#core?.dispose();
    this.#core = null;
  }

  #bind(): void {
    const url = this.getAttribute('url');
    if (!this.#core && url) {
      const transport = (this.getAttribute('transport') ?? undefined) as ProgressTransport | undefined;
      this.#core = createBackupCore(createBackupClient({ baseUrl: url }), { ...(transport && { transport }) });
      this.#own = true;
    }
    const core = this.#core;
    if (!core) return this.#text('status', 'Set the url attribute to the address of Pieces OS.');
    if (this.#unbind) return;
    const render = () => this.#render(core);
    const stops = [core.backup, core.restore, core.backups, core.operations].map((store) => store.subscribe(render));
    this.#unbind = () => stops.forEach((stop) => stop());
    render();
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
    else if (action === 'restore') core.restore.restore(button.dataset.id!);
    else if (action === 'confirm') core.restore.confirm();
    else if (action === 'dismiss') core.restore.dismiss();
  }

  #render(core: BackupCore): void {
    const backup = core.backup.getSnapshot();
    const restore = core.restore.getSnapshot();
    const list = core.backups.getSnapshot();
    const restoring = ACTIVE.includes(restore.value) || restore.value === 'confirming' || restore.value === 'checking';
    this.#text('status', restore.value === 'idle' ? describe('backup', backup) : `${describe('backup', backup)} ${describe('restore', restore)}`);
    const failure = [backup, restore].find((s) => s.value === 'failed')?.context.error;
    const listFailure = list.error && `The backups could not be listed. ${toLifecycleError(list.error, false).userAction}`;
    const message = failure?.userAction ?? listFailure ?? '';
    this.#text('message', message);
    this.#part('message').hidden = message === '';
    this.#lifecycle('backup', backup);
    this.#lifecycle('restore', restore);
    (this.#root.querySelector('[data-action="start"]') as HTMLButtonElement).disabled =
      ACTIVE.includes(backup.value) || backup.value === 'checking';
    this.#part('confirm').hidden = restore.value !== 'confirming';
    this.#text('confirm-text', `Restoring ${restore.context.backupId ?? ''} replaces the local database (it does not sync). Continue?`);
    this.#list(list.backups, list.status === 'pending' ? 'Loading backups…' : 'No backups yet.', restoring);
  }

  #lifecycle(kind: 'backup' | 'restore', { value, context }: Snapshot): void {
    const row = this.#root.querySelector(`[data-lifecycle="${kind}"]`)!;
    const part = (name: string) => row.querySelector(`[part="${name}"]`) as HTMLElement;
    const active = ACTIVE.includes(value);
    const progress = part('progress') as HTMLProgressElement;
    progress.hidden = !active && value !== 'done';
    progress.value = context.percentage;
    part('percentage').textContent = progress.hidden ? '' : `${Math.floor(context.percentage)}%`;
    part('eta').textContent = active ? formatEta(context.eta) : '';
    part('cancel-button').hidden = value !== 'running' && value !== 'starting';
    part('retry-button').hidden = value !== 'failed';
  }

  #list(backups: readonly Backup[], empty: string, restoring: boolean): void {
    const inputs = [backups, empty, restoring];
    if (inputs.every((input, i) => input === this.#listed[i])) return;
    this.#listed = inputs;
    const items = backups.map((backup) => {
      const item = document.createElement('li');
      item.setAttribute('part', 'backup');
      item.textContent = `${backup.created.readable ?? backup.created.value} (${backup.device_name}) `;
      const button = document.createElement('button');
      Object.assign(button, { textContent: 'Restore', disabled: restoring });
      Object.assign(button.dataset, { action: 'restore', id: backup.id });
      item.append(button);
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
