import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { BackupActor, LifecycleClock } from '../../machines/index.js';
import * as testing from '../../src/testing/index.js';
import { createVirtualClock, waitForState, type StateTarget } from '../../src/testing/index.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('the public surface of pieces-backup/testing', () => {
  it('exports exactly these values', () => {
    expect(Object.keys(testing).sort()).toEqual(['createVirtualClock', 'startTestDaemon', 'useTestDaemon', 'waitForState']);
  });

  it('imports no test framework, so it loads outside vitest', () => {
    const dir = path.join(ROOT, 'src', 'testing');
    for (const file of fs.readdirSync(dir)) {
      expect(fs.readFileSync(path.join(dir, file), 'utf8'), file).not.toMatch(/^\s*(import|export)\b[^;]*['"](vitest|jest|mocha|node:test)['"]|import\(['"]vitest/m);
    }
  });

  it('types: the clock is a LifecycleClock, a state target is one of the states', () => {
    expectTypeOf(createVirtualClock()).toExtend<LifecycleClock>();
    expectTypeOf<StateTarget<ReturnType<BackupActor['getSnapshot']>>>().toExtend<string | ((snapshot: never) => boolean)>();
    const check = (backup: BackupActor) => {
      void waitForState(backup, 'cancelling');
      // @ts-expect-error not a state of the backup machine
      void waitForState(backup, 'finished');
    };
    expect(check).toBeTypeOf('function');
  });

  it("the README's example test is test/testing/example.test.ts, word for word", () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Testing your app'));
    const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    const example = fs
      .readFileSync(path.join(import.meta.dirname, 'example.test.ts'), 'utf8')
      .replaceAll("'../../src/testing/index.js'", "'pieces-backup/testing'")
      .replaceAll("'../../src/index.js'", "'pieces-backup'");
    expect(block).toBe(example);
  });
});
