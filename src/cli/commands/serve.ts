import { Command, CommanderError, type OptionValues } from 'commander';
import { parseOrigin } from '../../emulator/cors.js';
import type { EmulatorOptions } from '../../emulator/index.js';
import { inOurWords, UsageError } from '../command/usage-error.js';

export { UsageError };

const USAGE =
  'pieces-backup serve [--host H] [--port N] [--data DIR] [--rate BYTES_PER_S] [--signed-out] [--offline] [--outdated]' +
  ' [--allow-origin ORIGIN]... [--no-loopback-origins]';

const integer = (flag: string, min: number) => (text: string) => {
  const parsed = Number(text);
  if (!Number.isInteger(parsed) || parsed < min) throw new UsageError(`${flag} must be an integer >= ${min}, got ${text}`);
  return parsed;
};

function origin(text: string, previous: readonly string[] = []): string[] {
  try {
    return [...previous, parseOrigin(text)];
  } catch (error) {
    throw new UsageError(`--allow-origin: ${(error as Error).message}`);
  }
}

/** Declares `serve`'s flags on `command`: the program's subcommand (and its `--help`), or `parseServeArgs`. */
export function serveOptions(command: Command): Command {
  return command
    .option('--host <host>', 'the address to listen on (default 127.0.0.1)')
    .option('--port <n>', 'the port; 0 picks a free one (default 39399)', integer('--port', 0))
    .option('--data <dir>', 'where the cloud and the local database live (default: a fresh temporary directory)')
    .option('--rate <bytes_per_s>', 'transfer speed of creations and restorations (default 262144)', integer('--rate', 1))
    .option('--signed-out', 'answer 511: nobody is signed in')
    .option('--offline', 'answer 511: not connected to the cloud')
    .option('--outdated', 'answer 505: Pieces OS must be updated')
    .option('--allow-origin <origin>', 'a page origin to trust besides loopback (repeatable)', origin)
    .option('--no-loopback-origins', 'trust no loopback page origin by default');
}

/** The emulator options that `serveOptions`' parsed values say; only the flags given. */
export function emulatorOptionsOf(values: OptionValues): EmulatorOptions {
  const options: EmulatorOptions = {};
  if (typeof values.host === 'string') options.host = values.host;
  if (typeof values.port === 'number') options.port = values.port;
  if (typeof values.data === 'string') options.dataDir = values.data;
  if (typeof values.rate === 'number') options.rateBytesPerSecond = values.rate;
  if (values.signedOut === true) options.signedIn = false;
  if (values.offline === true) options.cloudConnected = false;
  if (values.outdated === true) options.osUpToDate = false;
  if (Array.isArray(values.allowOrigin)) options.allowedOrigins = values.allowOrigin as string[];
  if (values.loopbackOrigins === false) options.allowLoopbackOrigins = false;
  return options;
}

/** Parses `serve` flags into emulator options, as the command line does; a bad flag is a `UsageError`. */
export function parseServeArgs(args: readonly string[]): EmulatorOptions {
  const command = serveOptions(new Command('serve'))
    .exitOverride()
    .helpOption(false)
    .configureOutput({ writeErr: () => {}, outputError: () => {} });
  try {
    command.parse([...args], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) throw new UsageError(`${inOurWords(error.message)}\nusage: ${USAGE}`);
    throw error;
  }
  return emulatorOptionsOf(command.opts());
}

/** `pieces-backup serve`: runs the emulator until SIGINT/SIGTERM. */
export async function serve(options: EmulatorOptions): Promise<void> {
  const { startEmulator } = await import('../../emulator/index.js');
  const emulator = await startEmulator(options);
  console.log(`listening on ${emulator.url}`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void emulator.close().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
