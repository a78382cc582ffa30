import { parseOrigin } from '../emulator/cors.js';
import { startEmulator, type EmulatorOptions } from '../emulator/index.js';
import { UsageError } from './usage-error.js';

export { UsageError };

const USAGE =
  'pieces-backup serve [--host H] [--port N] [--data DIR] [--rate BYTES_PER_S] [--signed-out] [--offline] [--outdated]' +
  ' [--allow-origin ORIGIN]... [--no-loopback-origins]';

/** Parses `serve` flags into emulator options; unknown flags are a usage error. */
export function parseServeArgs(args: readonly string[]): EmulatorOptions {
  const options: EmulatorOptions = {};
  const value = (index: number, flag: string): string => {
    const next = args[index + 1];
    if (next === undefined || next.startsWith('--')) throw new UsageError(`${flag} needs a value\nusage: ${USAGE}`);
    return next;
  };
  const integer = (text: string, flag: string, min: number): number => {
    const parsed = Number(text);
    if (!Number.isInteger(parsed) || parsed < min) throw new UsageError(`${flag} must be an integer >= ${min}, got ${text}`);
    return parsed;
  };
  const origin = (text: string): string => {
    try {
      return parseOrigin(text);
    } catch (error) {
      throw new UsageError(`--allow-origin: ${(error as Error).message}`);
    }
  };
  for (let index = 0; index < args.length; index += 1) {
    const flag = args[index]!;
    switch (flag) {
      case '--host':
        options.host = value(index++, flag);
        break;
      case '--port':
        options.port = integer(value(index++, flag), flag, 0);
        break;
      case '--data':
        options.dataDir = value(index++, flag);
        break;
      case '--rate':
        options.rateBytesPerSecond = integer(value(index++, flag), flag, 1);
        break;
      case '--signed-out':
        options.signedIn = false;
        break;
      case '--offline':
        options.cloudConnected = false;
        break;
      case '--outdated':
        options.osUpToDate = false;
        break;
      case '--allow-origin':
        options.allowedOrigins = [...(options.allowedOrigins ?? []), origin(value(index++, flag))];
        break;
      case '--no-loopback-origins':
        options.allowLoopbackOrigins = false;
        break;
      default:
        throw new UsageError(`unknown option ${flag}\nusage: ${USAGE}`);
    }
  }
  return options;
}

/** `pieces-backup serve`: runs the emulator until SIGINT/SIGTERM. */
export async function serve(args: readonly string[]): Promise<void> {
  const emulator = await startEmulator(parseServeArgs(args));
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
