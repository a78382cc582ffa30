import { beforeEach, describe, expect, it } from 'vitest';
import {
  createBackupClient,
  isAbortedError,
  isAuthenticationRequiredError,
  isConflictError,
  isNetworkError,
  isNotFoundError,
  isProtocolError,
  isUpdateRequiredError,
  type BackupClientOptions,
} from '../../src/api/index.js';
import type { BackupStreamedProgress } from '../../src/models/index.js';
import { useEmulator, waitFor } from '../helpers/emulator.js';
import { collect, recordingFetch } from './support.js';

const emulator = useEmulator();
const SLOW = { rateBytesPerSecond: 20_000 };

function client(options: Partial<BackupClientOptions> = {}) {
  return createBackupClient({ baseUrl: emulator.url, ...options });
}

function expectOrderedProgress(frames: BackupStreamedProgress[]) {
  expect(frames[0]).toMatchObject({ status: 'INITIALIZED', percentage: 0 });
  expect(frames.at(-1)).toMatchObject({ status: 'COMPLETED', percentage: 100 });
  const percentages = frames.map((frame) => frame.percentage ?? 0);
  expect(percentages).toEqual([...percentages].sort((a, b) => a - b));
  // Only the last frame is terminal.
  expect(frames.slice(0, -1).some((frame) => ['COMPLETED', 'FAILED', 'CANCELED'].includes(frame.status ?? ''))).toBe(false);
}

beforeEach(async () => {
  await emulator.current.admin.reset();
});

describe('NDJSON frame source', () => {
  it('createStreamedFrames: every frame decoded, in order, terminal last, then complete', async () => {
    const recorder = recordingFetch();
    const stream = collect(client({ fetch: recorder.fetch }).createStreamedFrames({}));
    expect(await stream.ended).toBeUndefined();
    expectOrderedProgress(stream.frames);
    const id = stream.frames[0]?.backup?.id;
    expect(id).toMatch(/^9\.0\.0_\d+$/);
    expect(stream.frames.every((frame) => frame.backup?.id === id)).toBe(true);
    expect(stream.events.at(-1)).toBe('complete');
    expect(recorder.requests[0]?.headers.get('accept')).toBe('application/x-ndjson');
  });

  it('restoreStreamedFrames: the restoration frames of the given backup', async () => {
    const api = client();
    const { id } = await api.create();
    emulator.current.admin.setState({ rateBytesPerSecond: 2_000_000 });
    const stream = collect(api.restoreStreamedFrames(id));
    expect(await stream.ended).toBeUndefined();
    expectOrderedProgress(stream.frames);
    expect(stream.frames.length).toBeGreaterThan(2);
    expect(stream.frames.every((frame) => frame.backup?.id === id)).toBe(true);
  });

  it('a non-2xx answer is the typed HttpError, before any frame', async () => {
    const unknown = collect(client().restoreStreamedFrames('9.0.0_1'));
    expect(isNotFoundError(await unknown.ended)).toBe(true);
    expect(unknown.frames).toEqual([]);

    emulator.current.admin.setState({ signedIn: false });
    expect(isAuthenticationRequiredError(await collect(client().createStreamedFrames()).ended)).toBe(true);
    emulator.current.admin.setState({ signedIn: true, osUpToDate: false });
    expect(isUpdateRequiredError(await collect(client().createStreamedFrames()).ended)).toBe(true);
  });

  it('409 while another creation runs', async () => {
    emulator.current.admin.setState(SLOW);
    const first = collect(client().createStreamedFrames());
    await waitFor(() => first.frames[0], 'the first frame');
    const second = collect(client().createStreamedFrames());
    expect(isConflictError(await second.ended)).toBe(true);
    first.close();
  });

  it('a malformed line -> ProtocolError after the good frames', async () => {
    emulator.current.admin.injectFault({ operation: 'backups_create_new_backup_streamed', malformed: true, times: 1 });
    const stream = collect(client().createStreamedFrames());
    const error = await stream.ended;
    expect(isProtocolError(error)).toBe(true);
    expect(stream.frames).toHaveLength(1);
    expect(stream.events).toEqual(['next', 'error']);
  });

  it('a truncated stream -> ProtocolError', async () => {
    emulator.current.admin.injectFault({ operation: 'backups_create_new_backup_streamed', truncate: true, times: 1 });
    const stream = collect(client().createStreamedFrames());
    const error = await stream.ended;
    expect(isProtocolError(error)).toBe(true);
    expect(stream.frames).toHaveLength(1);
  });

  it('a connection reset mid-stream -> NetworkError', async () => {
    emulator.current.admin.setState(SLOW);
    emulator.current.admin.injectFault({ operation: 'backups_create_new_backup_streamed', resetAfterFrames: 1, times: 1 });
    const stream = collect(client().createStreamedFrames());
    const error = await stream.ended;
    expect(isNetworkError(error)).toBe(true);
    expect(stream.frames).toHaveLength(1);
    expect(stream.events).toEqual(['next', 'error']);
  });

  it('a connection reset before the answer -> NetworkError (a POST: not retried)', async () => {
    const recorder = recordingFetch();
    emulator.current.admin.injectFault({ operation: 'backups_create_new_backup_streamed', reset: true, times: 1 });
    expect(isNetworkError(await collect(client({ fetch: recorder.fetch }).createStreamedFrames()).ended)).toBe(true);
    expect(recorder.requests).toHaveLength(1);
  });

  it('close() aborts the request and nothing is delivered after it', async () => {
    emulator.current.admin.setState(SLOW);
    const recorder = recordingFetch();
    const stream = collect(client({ fetch: recorder.fetch }).createStreamedFrames(), (_frame, self) => self.close());
    const id = await waitFor(() => stream.frames[0]?.backup?.id, 'the first frame');
    expect(recorder.requests[0]?.signal.aborted).toBe(true);
    // Closing the stream does not cancel the creation: it runs on, and we hear nothing of it.
    emulator.current.admin.setState({ rateBytesPerSecond: 50_000_000 });
    await waitFor(async () => ((await client().status('creation', id)).value === 'COMPLETED' ? true : undefined), 'completion');
    expect(stream.events).toEqual(['next']);
  });

  it('an abort through the call signal -> AbortedError', async () => {
    emulator.current.admin.setState(SLOW);
    const controller = new AbortController();
    const stream = collect(client().createStreamedFrames({}, { signal: controller.signal }), () => controller.abort());
    expect(isAbortedError(await stream.ended)).toBe(true);
    expect(stream.frames).toHaveLength(1);
  });

  it('latency beyond the timeout before the headers -> TimeoutError', async () => {
    emulator.current.admin.injectFault({ operation: 'backups_create_new_backup_streamed', latencyMs: 3_000, times: 1 });
    const stream = collect(client().createStreamedFrames({}, { timeout: 100 }));
    expect((await stream.ended)?.name).toBe('TimeoutError');
  });

  it('the timeout does not cut a long stream once the headers arrived', async () => {
    // About a second of streaming against a 300 ms timeout.
    emulator.current.admin.setState({ rateBytesPerSecond: 500_000 });
    const stream = collect(client({ timeout: 300 }).createStreamedFrames());
    expect(await stream.ended).toBeUndefined();
    expect(stream.frames.at(-1)?.status).toBe('COMPLETED');
  });
});
