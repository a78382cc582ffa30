import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../src/api/errors/index.js';
import type { BackupsStreamedProgress } from '../../src/models/index.js';
import { watchOperation, type OperationProgress } from '../../src/streams/index.js';
import { FakeClient, VirtualClock, frameOf, statusOf } from '../helpers/fake-client.js';

const ID = '9.0.0_4000';

function run(client: FakeClient, clock: VirtualClock, kind: 'creation' | 'restoration', transport?: 'websocket' | 'polling') {
  const seen = { values: [] as OperationProgress[], error: undefined as unknown, completed: false };
  const subscription = watchOperation(client, kind, ID, {
    scheduler: clock.scheduler,
    random: () => 0.5,
    ...(transport && { transport }),
  }).subscribe({
    next: (value) => seen.values.push(value),
    error: (error: unknown) => (seen.error = error),
    complete: () => (seen.completed = true),
  });
  return { seen, subscription };
}

const summary = (values: OperationProgress[]) => values.map((p) => `${p.status} ${p.percentage} ${p.transport}`);

describe('watchOperation', () => {
  it('emits first from an immediate status request and polls to the end, starting nothing', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(() => clock.now());
    const { seen } = run(client, clock, 'restoration', 'polling');
    expect(client.callsOf('restorationStatus').map((c) => c.at)).toEqual([0]);
    client.pending('restorationStatus')[0]!.resolve(statusOf(ID, 'IN-PROGRESS', 70));
    await clock.settle();
    expect(summary(seen.values)).toEqual(['IN-PROGRESS 70 polling']);

    client.respond('restorationStatus', () => statusOf(ID, 'COMPLETED', 100));
    await clock.advance(10_000);
    expect(summary(seen.values)).toEqual(['IN-PROGRESS 70 polling', 'COMPLETED 100 polling']);
    expect(seen.completed).toBe(true);
    expect(client.calls.every((c) => c.method === 'restorationStatus')).toBe(true);
    expect(client.sources).toHaveLength(0);
  });

  it('websocket: takes progress from the progress socket while it lists the operation', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(() => clock.now()).respond('creationStatus', () => statusOf(ID, 'IN-PROGRESS', 10));
    const { seen } = run(client, clock, 'creation');
    await clock.settle();
    const [socket] = client.sourcesOf<BackupsStreamedProgress>('progressWebSocket');
    expect(socket!.isOpen).toBe(true);
    expect(summary(seen.values)).toEqual(['IN-PROGRESS 10 polling']);

    socket!.emit({ backups: [frameOf(ID, 'IN-PROGRESS', 20)], restorations: [frameOf('other_1', 'IN-PROGRESS', 5)] });
    const polls = client.callsOf('creationStatus').length;
    await clock.advance(5_000);
    socket!.emit({ backups: [frameOf(ID, 'CANCELED', 20)] });
    expect(client.callsOf('creationStatus')).toHaveLength(polls);
    expect(summary(seen.values)).toEqual(['IN-PROGRESS 10 polling', 'IN-PROGRESS 20 websocket', 'CANCELED 20 websocket']);
    expect(seen.completed).toBe(true);
    expect(socket!.isOpen).toBe(false);
  });

  it('websocket: polls again when the socket goes quiet for stallTimeoutMs', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(() => clock.now()).respond('creationStatus', () => statusOf(ID, 'IN-PROGRESS', 10));
    const { seen } = watchRun();
    function watchRun() {
      const out = { values: [] as OperationProgress[] };
      watchOperation(client, 'creation', ID, { scheduler: clock.scheduler, stallTimeoutMs: 4_000 }).subscribe((p) =>
        out.values.push(p),
      );
      return { seen: out };
    }
    await clock.settle();
    client.sourcesOf<BackupsStreamedProgress>('progressWebSocket')[0]!.emit({ backups: [frameOf(ID, 'IN-PROGRESS', 30)] });
    const polls = client.callsOf('creationStatus').length;
    await clock.advance(3_999);
    expect(client.callsOf('creationStatus')).toHaveLength(polls);
    await clock.advance(1);
    expect(client.callsOf('creationStatus')).toHaveLength(polls + 1);
    expect(seen.values.at(-1)!.transport).toBe('polling');
  });

  it('completes at once for an operation that already ended, and errors with NotFoundError for none', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(() => clock.now()).respond('creationStatus', () => statusOf(ID, 'COMPLETED', 100));
    const done = run(client, clock, 'creation');
    await clock.settle();
    expect(summary(done.seen.values)).toEqual(['COMPLETED 100 polling']);
    expect(done.seen.completed).toBe(true);
    expect(client.sources.every((s) => !s.isOpen)).toBe(true);

    const missing = new NotFoundError({ method: 'GET', url: 'x' });
    client.respond('restorationStatus', () => {
      throw missing;
    });
    const none = run(client, clock, 'restoration', 'polling');
    await clock.settle();
    expect(none.seen.error).toBe(missing);
  });
});
