import { PiecesBackupPanel } from './pieces-backup-panel.js';

export { PiecesBackupPanel };

/**
 * Defines `<pieces-backup-panel>` (or `tagName`) once: a name already defined, by this copy of
 * the package or another, is left as it is. Importing this entry calls it; call it yourself
 * where a bundler drops side-effect imports (the package is `sideEffects: false`).
 *
 * @example
 * ```ts
 * import { defineBackupPanel } from 'pieces-backup/element';
 * defineBackupPanel();
 * document.body.innerHTML = '<pieces-backup-panel url="http://127.0.0.1:39300"></pieces-backup-panel>';
 * ```
 */
export function defineBackupPanel(tagName = 'pieces-backup-panel'): void {
  if (typeof customElements === 'undefined' || customElements.get(tagName)) return;
  // one constructor per name: another name gets its own subclass
  customElements.define(tagName, tagName === 'pieces-backup-panel' ? PiecesBackupPanel : class extends PiecesBackupPanel {});
}

defineBackupPanel();
