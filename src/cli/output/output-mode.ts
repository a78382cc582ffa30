/** How a command shows progress and results: a live bar, plain lines, or JSON for scripts. */
export type OutputMode = 'bar' | 'lines' | 'json';

const isSet = (value: string | undefined): boolean => value !== undefined && value !== '' && value !== 'false' && value !== '0';

/**
 * `--json` wins; otherwise a bar only when stdout is a terminal that wants one: `NO_COLOR`
 * and `CI` ask for plain lines, as does a pipe or a file.
 */
export function outputModeOf(
  json: boolean,
  stdout: { isTTY?: boolean } = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): OutputMode {
  if (json) return 'json';
  if (stdout.isTTY !== true || isSet(env.NO_COLOR) || isSet(env.CI)) return 'lines';
  return 'bar';
}
