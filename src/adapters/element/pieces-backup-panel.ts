import { createBackupClient } from '../../api/index.js';
import type { Backup } from '../../models/index.js';
import type { ProgressTransport } from '../../streams/index.js';
import {
  createBackupCore,
  lifecycleText,
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
  static readonly observedAttributes = ['url', 'transport'];
  readonly #root = this.attachShadow({ mode: 'open' });
  #core: BackupCore | null = null;
  #own = false;
  #unbind: (() => void) | null = null;
  // what the list was last built from: rebuilt only when it changes, not on every progress tick
  #listed: unknown[] = [];
  #texts: LifecycleTextOverrides | undefined;

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
    const texts = this.#texts && { texts: this.#texts };
    const backup = lifecycleText('creation', core.backup.getSnapshot(), texts);
    const restoreSnapshot = core.restore.getSnapshot();
    const restore = lifecycleText('restoration', restoreSnapshot, texts);
    const list = core.backups.getSnapshot();
    const restoring = restore.busy || restore.state === 'confirming';
    this.#text('status', restore.state === 'idle' ? statusLine(backup) : `${statusLine(backup)} ${statusLine(restore)}`);
    const listFailure = list.error && `The backups could not be listed. ${toLifecycleError(list.error, false).userAction}`;
    const message = backup.userAction ?? restore.userAction ?? listFailure ?? '';
    this.#text('message', message);
    this.#part('message').hidden = message === '';
    this.#lifecycle('creation', backup, core.backup.getSnapshot().context.percentage);
    this.#lifecycle('restoration', restore, restoreSnapshot.context.percentage);
    (this.#root.querySelector('[data-action="start"]') as HTMLButtonElement).disabled = backup.busy;
    this.#part('confirm').hidden = restore.state !== 'confirming';
    this.#text('confirm-text', `Restoring ${restoreSnapshot.context.backupId ?? ''} replaces the local database (it does not sync). Continue?`);
    this.#list(list.backups, list.status === 'pending' ? 'Loading backups…' : 'No backups yet.', restoring);
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
