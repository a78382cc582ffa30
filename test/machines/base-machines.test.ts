import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { backupMachine, restoreMachine } from '../../machines/index.js';

// The exported base machines carry placeholder actors: usable by tools (inspector, graph),
// and failing clearly (not hanging) when run without a client.

describe('base machines', () => {
  it('the backup machine without a client fails with a typed error that names the factory', async () => {
    const actor = createActor(backupMachine).start();
    actor.send({ type: 'START' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    const snapshot = actor.getSnapshot();
    expect(snapshot.value).toBe('failed');
    expect(snapshot.context.error).toMatchObject({ name: 'PiecesBackupError', kind: 'unknown' });
    expect(snapshot.context.error?.message).toContain('createBackupMachine(client)');
    expect(JSON.parse(JSON.stringify(actor.getPersistedSnapshot()))).toEqual(actor.getPersistedSnapshot());
    actor.stop();
  });

  it('the restore machine without a client fails the same way, after its confirmation', async () => {
    const actor = createActor(restoreMachine).start();
    actor.send({ type: 'RESTORE', backupId: '9.0.0_1' });
    expect(actor.getSnapshot().value).toBe('confirming');
    actor.send({ type: 'CONFIRM' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(actor.getSnapshot().value).toBe('failed');
    expect(actor.getSnapshot().context.error?.message).toContain('createRestoreMachine(client)');
    actor.stop();
  });

  it('starts idle with an empty, serialisable context', () => {
    const actor = createActor(backupMachine).start();
    expect(actor.getSnapshot().value).toBe('idle');
    expect(actor.getSnapshot().context).toMatchObject({
      backupId: null,
      status: null,
      percentage: 0,
      eta: null,
      error: null,
      tooLateToCancel: false,
      cancelRequested: false,
      cancelDeadline: null,
    });
    expect(JSON.stringify(actor.getPersistedSnapshot())).not.toContain('function');
    actor.stop();
  });
});
