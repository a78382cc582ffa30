#!/usr/bin/env node
import { CommanderError } from 'commander';
import { createProgram, exitCodeOfCommanderError } from './program.js';

async function main(argv: readonly string[]): Promise<number> {
  let code = 0;
  try {
    await createProgram((exitCode) => (code = exitCode)).parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return exitCodeOfCommanderError(error);
    throw error;
  }
  return code;
}

// note: exit explicitly: an actor's sockets or a prompt's stdin must not keep a finished command alive
void main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
