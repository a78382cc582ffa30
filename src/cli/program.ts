import { Command, CommanderError, InvalidArgumentError, Option, type OptionValues } from 'commander';
import type { ProgressTransport } from '../index.js';
import { createCommandContext, type CommandContext, type GlobalOptions } from './command/context.js';
import { EXIT_CODES, EXIT_CODES_HELP } from './command/exit-codes.js';
import { failureResult, printResult, type CommandResult } from './command/result.js';
import { inOurWords, isUsageError, UsageError } from './command/usage-error.js';
import { RETENTION_FLAGS, retentionPolicyOf, usageErrorOf } from './command/policy-flags.js';
import { emulatorOptionsOf, serveOptions } from './commands/serve.js';
// the policy's checks alone, not the core: the command table stays lazy (a fast start)
import { resolveSchedule, type SchedulePolicy } from '../core/policy/schedule.js';

const TRANSPORTS: readonly ProgressTransport[] = ['websocket', 'ndjson', 'polling'];

/** Printed after a usage error at the top level (an unknown command, no command). */
const USAGE_SUMMARY = `usage: pieces-backup <list|backup|restore|undo|status|cancel|delete|watch|prune|schedule> [--url URL] [--transport T] [--json]
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
  // defaulted by the option itself (see `--transport` below): the one default of the CLI
  const transport = TRANSPORTS.find((name) => name === values.transport);
  if (!transport) throw new UsageError(`--transport must be one of ${TRANSPORTS.join(', ')}`);
  return { url: typeof values.url === 'string' ? values.url : undefined, transport, json: values.json === true };
}

/** `--every` or `--daily-at` (one of them), with `--jitter`, checked before anything is sent. */
function schedulePolicyOf(options: OptionValues): SchedulePolicy {
  const every = typeof options.every === 'string' ? options.every : undefined;
  const dailyAt = typeof options.dailyAt === 'string' ? options.dailyAt : undefined;
  if ((every === undefined) === (dailyAt === undefined)) throw new UsageError('schedule needs one of --every DURATION (e.g. 6h) or --daily-at HH:MM (e.g. 02:30)');
  const policy = { ...(every !== undefined ? { every } : { dailyAt: dailyAt! }), ...(typeof options.jitter === 'string' && { jitter: options.jitter }) } as SchedulePolicy;
  try {
    resolveSchedule(policy);
  } catch (error) {
    usageErrorOf(error);
  }
  return policy;
}

type Run = (context: CommandContext, args: string[], options: OptionValues) => Promise<CommandResult>;

/** A command that talks to Pieces OS: its arguments and flags, and its module, loaded when it runs. */
interface DaemonCommand {
  description: string;
  arguments?: ReadonlyArray<[name: string, description: string]>;
  options?: ReadonlyArray<[flags: string, description: string]>;
  run: Run;
}

// The lazy command table: a command's module is imported only when that command runs.
const DAEMON_COMMANDS: Record<string, DaemonCommand> = {
  list: {
    description: 'list the backups',
    run: async (context) => (await import('./commands/list.js')).list(context),
  },
  backup: {
    description: 'back up the local database, with live progress',
    run: async (context) => (await import('./commands/backup.js')).backup(context),
  },
  restore: {
    description: 'replace the local database with a backup (asks first; a restore does not sync)',
    arguments: [['<id>', 'the backup to restore']],
    options: [
      ['-y, --yes', 'do not ask: required when stdin is not a terminal'],
      ['--no-safety-backup', 'do not back up the current database first (then `undo` cannot take the restore back)'],
      ['--force', 'restore a backup made by a newer Pieces OS anyway (unsupported by Pieces: update Pieces OS first)'],
    ],
    run: async (context, [id], options) =>
      (await import('./commands/restore.js')).restore(context, id!, { yes: options.yes === true, safetyBackup: options.safetyBackup !== false, force: options.force === true }),
  },
  undo: {
    description: "take the last restore back: restore its safety backup (asks first; itself without a safety backup)",
    options: [['-y, --yes', 'do not ask: required when stdin is not a terminal']],
    run: async (context, _args, options) => (await import('./commands/undo.js')).undo(context, { yes: options.yes === true }),
  },
  status: {
    description: 'without an id: every backup and restore in progress; with one: its latest status',
    arguments: [['[id]', 'a backup id']],
    run: async (context, [id]) => (await import('./commands/status.js')).status(context, id),
  },
  cancel: {
    description: 'cancel the backup or restore of <id> and wait until Pieces OS confirms it',
    arguments: [['<id>', 'the backup id of the operation']],
    run: async (context, [id]) => (await import('./commands/cancel.js')).cancel(context, id!),
  },
  delete: {
    description: 'delete a backup',
    arguments: [['<id>', 'the backup to delete']],
    run: async (context, [id]) => (await import('./commands/delete.js')).deleteBackup(context, id!),
  },
  watch: {
    description: 'follow every backup and restore, whoever started it, until Ctrl-C',
    run: async (context) => (await import('./commands/watch.js')).watch(context),
  },
  prune: {
    description: 'delete the backups a retention policy does not keep (restic forget), showing why each is kept',
    options: [...RETENTION_FLAGS, ['--dry-run', 'show what would be kept and removed, and delete nothing']],
    run: async (context, _args, options) => {
      const policy = retentionPolicyOf(options, true)!;
      return (await import('./commands/prune.js')).prune(context, policy, { dryRun: options.dryRun === true });
    },
  },
  schedule: {
    description: 'back up on a schedule until Ctrl-C (a foreground service), pruning after each backup when given retention flags',
    options: [
      ['--every <duration>', 'back up every DURATION (at least 1m), periods aligned to the Unix epoch: 6h runs at 00:00, 06:00, ... UTC'],
      ['--daily-at <HH:MM>', 'back up daily at this local time'],
      ['--jitter <duration>', 'a random delay after each period starts, up to DURATION'],
      ...RETENTION_FLAGS.filter(([flags]) => !flags.startsWith('--device')),
      ['--device <name>', "this device's name in Pieces OS: its backups count for a period, and a prune thins only them (default: learned from the first backup, kept in the state file)"],
      ['--state-file <path>', 'where the schedule keeps its state; its directory holds the lock (default: $XDG_STATE_HOME/pieces-backup/schedule.json)'],
    ],
    run: async (context, _args, options) => {
      const policy = schedulePolicyOf(options);
      const retention = retentionPolicyOf(options, false);
      const deviceName = typeof options.device === 'string' ? options.device : undefined;
      return (await import('./commands/schedule.js')).schedule(context, {
        schedule: { ...policy, ...(deviceName !== undefined && { deviceName }) },
        retention,
        stateFile: typeof options.stateFile === 'string' ? options.stateFile : undefined,
      });
    },
  },
};

/**
 * The `pieces-backup` command line. `exit` receives the exit code of a command that ran;
 * commander's own usage errors are thrown (`exitOverride`), see `exitCodeOfCommanderError`.
 */
export function createProgram(exit: (code: number) => void): Command {
  const program = new Command('pieces-backup')
    .description('Back up and restore the Pieces OS local database, with live progress.')
    .exitOverride()
    // inherited by every command: one wording for usage errors, commander's and ours
    .configureOutput({ outputError: (message, write) => write(inOurWords(message)) })
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError(USAGE_SUMMARY)
    .addOption(new Option('--url <url>', 'where Pieces OS listens (default: discover it on ports 39300-39333, 1000)').argParser(parseUrl))
    .addOption(new Option('--transport <transport>', 'how progress is followed').choices(TRANSPORTS).default('websocket'))
    .option('--json', 'one JSON object per line on stdout: progress frames, then the result')
    .addHelpText('after', `\n${EXIT_CODES_HELP}`);

  for (const [name, spec] of Object.entries(DAEMON_COMMANDS)) {
    const command = program
      .command(name)
      .description(spec.description)
      .showHelpAfterError(`(pieces-backup ${name} --help for usage)`)
      .addHelpText('after', `\n${EXIT_CODES_HELP}`);
    for (const [argument, description] of spec.arguments ?? []) command.argument(argument, description);
    for (const [flags, description] of spec.options ?? []) command.option(flags, description);
    command.action(async (...received: unknown[]) => {
      const self = received.at(-1) as Command;
      const args = received.slice(0, -2).filter((value): value is string => typeof value === 'string');
      let context: CommandContext | undefined;
      let result: CommandResult;
      try {
        context = createCommandContext(globalOptionsOf(self.optsWithGlobals()));
        result = await spec.run(context, args, self.opts());
      } catch (error) {
        result = isUsageError(error)
          ? { exitCode: EXIT_CODES.usage, problems: [error.message], data: { error: { kind: 'usage', message: error.message } } }
          : failureResult(error, { url: context?.options.url });
      }
      printResult(name, result, context?.mode ?? 'lines');
      exit(result.exitCode);
    });
  }

  // The emulator's commands: no daemon to reach, so neither --url nor --json.
  const local = (name: string, description: string, run: (options: OptionValues) => Promise<void>) =>
    program
      .command(name)
      .description(description)
      .showHelpAfterError(`(pieces-backup ${name} --help for usage)`)
      .action(async (options: OptionValues, command: Command) => {
        try {
          const globals = command.optsWithGlobals();
          if (globals.url !== undefined || globals.json !== undefined) throw new UsageError(`${name} takes neither --url nor --json`);
          await run(options);
          exit(EXIT_CODES.ok);
        } catch (error) {
          process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
          exit(isUsageError(error) ? EXIT_CODES.usage : EXIT_CODES.failed);
        }
      });
  serveOptions(
    local('serve', 'run the emulator until Ctrl-C', async (options) => (await import('./commands/serve.js')).serve(emulatorOptionsOf(options))),
  );
  local('demo', 'a backup and a restore on an embedded emulator, with the example dashboard', async (options) =>
    (await import('./commands/demo/demo.js')).demo({ once: options.once === true }),
  ).option('--once', 'run one backup and one restore through the lifecycles, print each state, and exit');
  return program;
}

/** Help and version exit 0; every other commander error is a usage error. */
export function exitCodeOfCommanderError(error: CommanderError): number {
  return error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage;
}
