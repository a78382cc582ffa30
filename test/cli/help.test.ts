import { afterAll, describe, expect, it } from 'vitest';
import { createProgram } from '../../src/cli/program.js';
import { cli, killAll } from './run-cli.js';

// Every command of the program's own table: a command added later is checked without a line here.
const COMMANDS = createProgram(() => {}).commands.map((command) => command.name());

afterAll(killAll);

describe('pieces-backup --help', () => {
  it('the table has the documented commands', () => {
    expect(COMMANDS).toEqual(expect.arrayContaining(['list', 'backup', 'restore', 'status', 'cancel', 'delete', 'watch', 'serve', 'demo']));
  });

  it('pieces-backup --help: exit 0, the usage and every command', async () => {
    const { code, stdout, stderr } = await cli(['--help']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^Usage: pieces-backup /);
    for (const name of COMMANDS) expect(stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
  });

  it.each(COMMANDS)('pieces-backup %s --help: exit 0, its usage on stdout, nothing on stderr, nothing run', async (name) => {
    const { code, stdout, stderr } = await cli([name, '--help']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(new RegExp(`^Usage: pieces-backup ${name}\\b`));
    expect(stdout).toContain('--help');
  });
});
