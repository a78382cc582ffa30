#!/usr/bin/env node
import { serve, UsageError } from './serve.js';

type Command = (args: readonly string[]) => Promise<void>;

// `demo` is loaded lazily: it pulls in the client and the machines, `serve` needs neither.
const COMMANDS: Record<string, Command> = {
  serve,
  demo: async (args) => (await import('./demo.js')).demo(args),
};

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name === undefined ? undefined : COMMANDS[name];
  if (!command) {
    console.error(`usage: pieces-backup <${Object.keys(COMMANDS).join('|')}> [options]`);
    return 2;
  }
  try {
    await command(args);
    return 0;
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return error instanceof UsageError ? 2 : 1;
  }
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
