import { PiecesBackupError } from './pieces-backup-error.js';

/**
 * Discovery probed every candidate and none answered as Pieces OS. With three candidates or
 * fewer the message says what each answered: a 404 there means the base URL is wrong.
 */
export class DaemonNotFoundError extends PiecesBackupError {
  override readonly name = 'DaemonNotFoundError' as const;
  /** Every base URL that was probed, in order. */
  readonly probed: readonly string[];
  /** What each did instead, in `probed` order (`answered 404 Not Found`, `no answer: ...`). */
  readonly answers: readonly string[];

  constructor(probed: readonly string[], answers: readonly string[] = []) {
    const each = probed.map((url, index) => (answers[index] ? `${url} (${answers[index]})` : url));
    const range = probed.length > 3 ? `${probed[0]} ... ${probed[probed.length - 1]} (${probed.length} urls)` : each.join(', ');
    super(`Pieces OS not found: no answer to /.well-known/health from ${range || 'no candidates'}`);
    this.probed = probed;
    this.answers = answers;
  }
}
