import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CLI, ROOT } from './run-cli.js';

const run = promisify(execFile);
const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;
/**
 * `pieces-backup ...args` in a real pseudo-terminal: a detached tmux session of its own
 * server (its socket in a temp dir, so nothing is shared with anyone's tmux and nothing is
 * left behind), `width` x `height`. `CI` and `NO_COLOR` are unset inside, so the CLI draws bars.
 */
export class TmuxSession {
  private constructor(private readonly dir: string) {}

  static async start(args: readonly string[], { width = 120, height = 30 } = {}): Promise<TmuxSession> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pieces-cli-tmux-'));
    const script = path.join(dir, 'run.sh');
    // `trap : INT` keeps the shell alive through Ctrl-C (node gets it as usual) to write the exit code
    fs.writeFileSync(
      script,
      [
        'trap : INT',
        `cd ${quote(ROOT)}`,
        // its own state dir: a restore keeps its safety backup on record there, never in the user's
        `env -u CI -u NO_COLOR XDG_STATE_HOME=${quote(path.join(dir, 'state'))} ${[...CLI, ...args].map(quote).join(' ')}`,
        `echo $? > ${quote(path.join(dir, 'exit-code'))}`,
        'sleep 600',
      ].join('\n'),
    );
    const session = new TmuxSession(dir);
    await session.tmux('new-session', '-d', '-s', 'cli', '-x', String(width), '-y', String(height), `bash ${quote(script)}`);
    return session;
  }

  private async tmux(...args: string[]): Promise<string> {
    const { stdout } = await run('tmux', ['-S', path.join(this.dir, 'tmux.sock'), '-f', '/dev/null', ...args]);
    return stdout;
  }

  /** The screen as text; `history`: with everything that scrolled off it. */
  capture({ history = false } = {}): Promise<string> {
    return this.tmux('capture-pane', '-p', '-t', 'cli', ...(history ? ['-S', '-'] : []));
  }

  async sendKeys(...keys: string[]): Promise<void> {
    await this.tmux('send-keys', '-t', 'cli', ...keys);
  }

  /** Polls the screen until `test` holds; returns that screen. */
  async waitForScreen(test: (screen: string) => boolean, what: string, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let screen = '';
    while (Date.now() < deadline) {
      screen = await this.capture();
      if (test(screen)) return screen;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`timed out waiting for ${what}; the screen:\n${screen}`);
  }

  /** The CLI's exit code, once it exited. */
  async exitCode(timeoutMs = 20_000): Promise<number> {
    const file = path.join(this.dir, 'exit-code');
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
      if (text.endsWith('\n')) return Number(text);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`the CLI did not exit; the screen:\n${await this.capture()}`);
  }

  /** Ends the session's tmux server and everything in it. */
  async kill(): Promise<void> {
    await this.tmux('kill-server').catch(() => undefined);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
