import { describe, expect, it } from 'vitest';
import type { AnyActorRef, InspectionEvent } from 'xstate';
import { createBackupActor, createRestoreActor } from '../../machines/index.js';
import { createBackup, useEmulator } from '../helpers/emulator.js';
import { countedClient, settle } from './support/lifecycle-fixture.js';

// `inspect` passes straight to createActor: the same events @statelyai/inspect renders,
// captured offline here.

const emulator = useEmulator({ rateBytesPerSecond: 1_000_000 });

function rootStates(events: InspectionEvent[]): string[] {
  const values: string[] = [];
  for (const event of events) {
    if (event.type !== '@xstate.snapshot' || event.actorRef.sessionId !== event.rootId) continue;
    const value = String((event.snapshot as { value?: unknown }).value);
    if (values.at(-1) !== value) values.push(value);
  }
  return values;
}

describe('inspection', () => {
  it('shows the backup lifecycle in order: idle, starting, running, done; and its actors and events', async () => {
    const events: InspectionEvent[] = [];
    const actor = createBackupActor(countedClient(emulator.current).client, { inspect: (event) => events.push(event) });
    actor.send({ type: 'START' });
    await settle(actor);
    actor.stop();

    expect(rootStates(events)).toEqual(['idle', 'starting', 'running', 'done']);
    const children = events
      .filter((event): event is Extract<InspectionEvent, { type: '@xstate.actor' }> => event.type === '@xstate.actor')
      .map((event) => (event.actorRef as AnyActorRef).id);
    expect(children).toContain('progress');
    const received = events.filter((event) => event.type === '@xstate.event').map((event) => event.event.type);
    expect(received).toContain('START');
    expect(received).toContain('PROGRESS');
  });

  it('shows the restore lifecycle with its confirmation', async () => {
    const backupId = await createBackup(emulator.url);
    const events: InspectionEvent[] = [];
    const actor = createRestoreActor(countedClient(emulator.current).client, { inspect: { next: (event) => events.push(event) } });
    actor.send({ type: 'RESTORE', backupId });
    actor.send({ type: 'CONFIRM' });
    await settle(actor);
    actor.stop();
    expect(rootStates(events)).toEqual(['idle', 'confirming', 'preflight', 'starting', 'running', 'done']);
  });
});
