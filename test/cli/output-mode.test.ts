import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/cli/command/exit-codes.js';
import { outputModeOf } from '../../src/cli/output/output-mode.js';

describe('output mode', () => {
  const tty = { isTTY: true };
  it('draws bars only on a terminal that wants them', () => {
    expect(outputModeOf(false, tty, {})).toBe('bar');
    expect(outputModeOf(false, {}, {})).toBe('lines');
    expect(outputModeOf(false, tty, { NO_COLOR: '1' })).toBe('lines');
    expect(outputModeOf(false, tty, { CI: 'true' })).toBe('lines');
    // set but empty (or false) is not set
    expect(outputModeOf(false, tty, { NO_COLOR: '', CI: 'false' })).toBe('bar');
  });

  it('--json wins over everything', () => {
    expect(outputModeOf(true, tty, {})).toBe('json');
    expect(outputModeOf(true, {}, { CI: '1' })).toBe('json');
  });
});

describe('exit codes', () => {
  it('are distinct', () => {
    const codes = Object.values(EXIT_CODES);
    expect(new Set(codes).size).toBe(codes.length);
  });
});
