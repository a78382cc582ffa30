import { Command, CommanderError, InvalidArgumentError, Option, type OptionValues } from 'commander';
import type { ProgressTransport } from '../index.js';
import { createCommandContext, type CommandContext, type GlobalOptions } from './command-context.js';
import { failureResult, printResult, type CommandResult } from './command-result.js';
import { EXIT_CODES, EXIT_CODES_HELP } from './exit-codes.js';
import { isUsageError, UsageError } from './usage-error.js';

const TRANSPORTS: readonly ProgressTransport[] = ['websocket', 'ndjson', 'polling'];

/** Printed after a usage error at the top level (an unknown command, no command). */
const USAGE_SUMMARY = `usage: pieces-backup <list|backup|restore|status|cancel|delete|watch> [--url URL] [--transport T] [--json]
usage: pieces-backup <serve|demo> [options]
(pieces-backup --help for more)`;

function parseUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(url.protocol);
  } catch {
    throw new InvalidArgumentError('expected an http(s) URL, e.g. http://127.0.0.1:39300');
  }
  return value;
}

function globalOptionsOf(values: OptionValues): GlobalOptions {
  const transport = TRANSPORTS.find((name) => name === values.transport) ?? 'websocket';
  return { url: typeof values.url === 'string' ? values.url : undefined, transport, json: values.json === true };
}

type Run = (context: CommandContext) => Promise<CommandResult>;

/**
 * The `pieces-backup` command line. `exit` receives the exit code of a command that ran;
 * commander's own usage errors are thrown (`exitOverride`), see `exitCodeOfCommanderError`.
 */
export function createProgram(exit: (code: number) => void): Command {
  const program = new Command('pieces-backup')
    .description('Back up and restore the Pieces OS local database, with live progress.')
    .exitOverride()
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError(USAGE_SUMMARY)
    .addOption(new Option('--url <url>', 'where Pieces OS listens (default: discover it on ports 39300-39333, 1000)').argParser(parseUrl))
    .addOption(new Option('--transport <transport>', 'how progress is followed').choices(TRANSPORTS).default('websocket'))
    .option('--json', 'one JSON object per line on stdout: progress frames, then the result')
    .addHelpText('after', `\n${EXIT_CODES_HELP}`);

  const daemonCommand = (name: string, description: string) =>
    program
      .command(name)
      .description(description)
      .showHelpAfterError(`(pieces-backup ${name} --help for usage)`)
      .addHelpText('after', `\n${EXIT_CODES_HELP}`);

  const execute = async (command: Command, run: Run) => {
    const options = globalOptionsOf(command.optsWithGlobals());
    const context = createCommandContext(options);
    let result: CommandResult;
    try {
      result = await run(context);
    } catch (error) {
      result = isUsageError(error)
        ? { exitCode: EXIT_CODES.usage, problems: [error.message], data: { error: { kind: 'usage', message: error.message } } }
        : failureResult(error, options);
    }
    printResult(command.name(), result, context.mode);
    exit(result.exitCode);
  };

  daemonCommand('list', 'list the backups')
    .action(async (_options: OptionValues, command: Command) =>
      execute(command, async (context) => (await import('./commands/list.js')).list(context)),
    );
  daemonCommand('backup', 'back up the local database, with live progress')
    .action(async (_options: OptionValues, command: Command) =>
      execute(command, async (context) => (await import('./commands/backup.js')).backup(context)),
    );
  daemonCommand('restore', 'replace the local database with a backup (asks first; a restore does not sync)')
    .argument('<id>', 'the backup to restore')
    .option('-y, --yes', 'do not ask: required when stdin is not a terminal')
    .action(async (id: string, options: OptionValues, command: Command) =>
      execute(command, async (context) => (await import('./commands/restore.js')).restore(context, id, { yes: options.yes === true })),
    );
  daemonCommand('status', 'without an id: every backup and restore in progress; with one: its latest status')
    .argument('[id]', 'a backup id')
    .action(async (id: string | undefined, _options: OptionValues, command: Command) =>
      execute(command, async (context) => (await import('./commands/status.js')).status(context, id)),
    );
  daemonCommand('cancel', 'cancel the backup or restore of <id> and wait until Pieces OS confirms it')
    .argument('<id>', 'the backup id of the operation')
    .action(async (id: string, _options: OptionValues, command: Command) =>
      execute(command, async (context) => (await import('./commands/cancel.js')).cancel(context, id)),
    );
  daemonCommand('delete', 'delete a backup')
    .argument('<id>', 'the backup to delete')
    .action(async (id: string, _options: OptionValues, command: Command) =>
      execute(command, async (context) => (await import('./commands/delete.js')).deleteBackup(context, id)),
    );
  daemonCommand('watch', 'follow every backup and restore, whoever started it, until Ctrl-C')
    .action(async (_options: OptionValues, command: Command) =>
      execute(command, async (context) => (await import('./commands/watch.js')).watch(context)),
    );

  // The emulator's commands parse their own flags, as before.
  const local = (name: string, description: string, run: (args: readonly string[]) => Promise<void>) =>
    program
      .command(name)
      .description(description)
      .helpOption(false)
      .allowUnknownOption()
      .allowExcessArguments()
      .argument('[options...]')
      .action(async (args: string[], _options: OptionValues, command: Command) => {
        try {
          const globals = command.optsWithGlobals();
          if (globals.url !== undefined || globals.json !== undefined) throw new UsageError(`${name} takes neither --url nor --json`);
          await run(args);
          exit(EXIT_CODES.ok);
        } catch (error) {
          process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
          exit(isUsageError(error) ? EXIT_CODES.usage : EXIT_CODES.failed);
        }
      });
  local('serve', 'run the emulator until Ctrl-C (--port N, --data DIR, ...: see the README)', async (args) =>
    (await import('./serve.js')).serve(args),
  );
  local('demo', 'a backup and a restore on an embedded emulator (--once: then exit)', async (args) => (await import('./demo.js')).demo(args));
  return program;
}

/** Help and version exit 0; every other commander error is a usage error. */
export function exitCodeOfCommanderError(error: CommanderError): number {
  return error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage;
}
