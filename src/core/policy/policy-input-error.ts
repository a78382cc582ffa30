import { PiecesBackupError, hasErrorName } from '../../api/errors/index.js';

/**
 * A schedule or retention policy that cannot be used: a duration or time of day that does
 * not parse, a keep-count that is not a non-negative integer, or a policy that would keep
 * nothing. `field` names the option (`keepDaily`, `every`, ...) and `input` is what was given,
 * so a CLI can print `--keep-daily: ...` and a form can mark the field.
 *
 * @example
 * ```ts
 * try {
 *   parseDuration('6 hours');
 * } catch (error) {
 *   if (isPolicyInputError(error)) console.error(`${error.field}: ${error.message}`);
 * }
 * ```
 */
export class PolicyInputError extends PiecesBackupError {
  override readonly name = 'PolicyInputError' as const;
  /** The option the input was given for, e.g. `keepWithin`; `policy` for the policy as a whole. */
  readonly field: string;
  readonly input: unknown;

  constructor(init: { field: string; input: unknown; message: string }) {
    super(init.message);
    this.field = init.field;
    this.input = init.input;
  }
}

export function isPolicyInputError(error: unknown): error is PolicyInputError {
  return hasErrorName(error, 'PolicyInputError');
}
