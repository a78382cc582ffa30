/**
 * An emulator in its own process for the bench: options as JSON in argv[2], prints
 * `{"url": ...}` once listening, closes on SIGTERM or when stdin closes (the bench died).
 */
import { startEmulator, type EmulatorOptions } from '../src/emulator/index.js';

const options = JSON.parse(process.argv[2] ?? '{}') as EmulatorOptions;
const emulator = await startEmulator({ port: 0, ...options });
process.stdout.write(`${JSON.stringify({ url: emulator.url })}\n`);
const close = () => void emulator.close().then(() => process.exit(0));
process.once('SIGTERM', close);
process.stdin.once('end', close);
process.stdin.resume();
