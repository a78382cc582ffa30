import WebSocket from 'ws';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  createBackupClient,
  isAbortedError,
  isAuthenticationRequiredError,
  isConflictError,
  isNetworkError,
  isNotFoundError,
  isProtocolError,
  isServerError,
  isTimeoutError,
  isUpdateRequiredError,
  type BackupClientOptions,
  type WebSocketConstructor,
} from '../../src/api/index.js';
import { useEmulator, waitFor } from '../helpers/emulator.js';
import { collect, sleep } from './support.js';

const emulator = useEmulator();
const SLOW = { rateBytesPerSecond: 20_000 };

/** The `ws` constructor, remembering every socket it made. */
function recordingWebSocket(onCreate?: (socket: WebSocket) => void) {
  const sockets: WebSocket[] = [];
  class Recording extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      sockets.push(this);
      onCreate?.(this);
    }
  }
  return { WebSocket: Recording as unknown as WebSocketConstructor, sockets };
}

function client(options: Partial<BackupClientOptions> = {}) {
  return createBackupClient({ baseUrl: emulator.url, ...options });
}

beforeEach(async () => {
  await emulator.current.admin.reset();
});

describe('WebSocket frame source', () => {
  it('createWebSocket: sends the start frame, frames in order, terminal last, close 1000 -> complete', async () => {
    const stream = collect(client().createWebSocket({}));
    expect(await stream.ended).toBeUndefined();
    expect(stream.frames[0]).toMatchObject({ status: 'INITIALIZED', percentage: 0 });
    expect(stream.frames.at(-1)).toMatchObject({ status: 'COMPLETED', percentage: 100 });
    const id = stream.frames[0]?.backup?.id;
    expect(id).toMatch(/^9\.0\.0_\d+$/);
    expect((await client().status('creation', id ?? '')).value).toBe('COMPLETED');
    expect(stream.events.at(-1)).toBe('complete');
  });

  it('restoreWebSocket: the restoration frames of the given backup', async () => {
    const api = client();
    const { id } = await api.create();
    emulator.current.admin.setState({ rateBytesPerSecond: 2_000_000 });
    const stream = collect(api.restoreWebSocket(id));
    expect(await stream.ended).toBeUndefined();
    const percentages = stream.frames.map((frame) => frame.percentage ?? 0);
    expect(percentages).toEqual([...percentages].sort((a, b) => a - b));
    expect(stream.frames.at(-1)).toMatchObject({ status: 'COMPLETED', backup: { id } });
    expect((await api.status('restoration', id)).value).toBe('COMPLETED');
  });

  it('progressWebSocket: sends nothing, reports running operations, close() closes the socket', async () => {
    const recorder = recordingWebSocket();
    const api = client({ WebSocket: recorder.WebSocket });
    emulator.current.admin.setState(SLOW);
    const stream = collect(api.progressWebSocket());
    await waitFor(() => stream.frames[0], 'the opening frame');
    expect(stream.frames[0]?.backups ?? []).toEqual([]);
    await api.backup();
    const listed = await waitFor(() => stream.frames.find((frame) => (frame.backups?.length ?? 0) > 0), 'a frame listing the creation');
    expect(listed.backups?.[0]?.backup?.id).toMatch(/^9\.0\.0_\d+$/);
    stream.close();
    await waitFor(() => (recorder.sockets[0]?.readyState === WebSocket.CLOSED ? true : undefined), 'the socket to close');
    expect(stream.events).not.toContain('complete');
    expect(stream.events).not.toContain('error');
  });

  it('4404 -> NotFoundError with the close reason as body', async () => {
    const error = await collect(client().restoreWebSocket('9.0.0_1')).ended;
    expect(isNotFoundError(error)).toBe(true);
    expect(isNotFoundError(error) && error.body).toContain('9.0.0_1');
  });

  it('4511 / 4505 -> AuthenticationRequiredError / UpdateRequiredError', async () => {
    emulator.current.admin.setState({ cloudConnected: false });
    expect(isAuthenticationRequiredError(await collect(client().createWebSocket()).ended)).toBe(true);
    emulator.current.admin.setState({ cloudConnected: true, osUpToDate: false });
    expect(isUpdateRequiredError(await collect(client().createWebSocket()).ended)).toBe(true);
  });

  it('4409 -> ConflictError while another creation runs', async () => {
    emulator.current.admin.setState(SLOW);
    await client().backup();
    expect(isConflictError(await collect(client().createWebSocket()).ended)).toBe(true);
  });

  it('a malformed frame -> ProtocolError, and the socket is closed', async () => {
    const recorder = recordingWebSocket();
    emulator.current.admin.injectFault({ operation: 'backups_create_streamed_websocket', malformed: true, times: 1 });
    const stream = collect(client({ WebSocket: recorder.WebSocket }).createWebSocket());
    expect(isProtocolError(await stream.ended)).toBe(true);
    expect(stream.events).toEqual(['next', 'error']);
    await waitFor(() => (recorder.sockets[0]?.readyState === WebSocket.CLOSED ? true : undefined), 'the socket to close');
  });

  it('a reset mid-stream -> NetworkError', async () => {
    emulator.current.admin.setState(SLOW);
    emulator.current.admin.injectFault({ operation: 'backups_create_streamed_websocket', resetAfterFrames: 1, times: 1 });
    const stream = collect(client().createWebSocket());
    expect(isNetworkError(await stream.ended)).toBe(true);
    expect(stream.frames).toHaveLength(1);
  });

  it('a reset of the upgrade -> NetworkError', async () => {
    emulator.current.admin.injectFault({ operation: 'backups_streamed_progress_websocket', reset: true, times: 1 });
    expect(isNetworkError(await collect(client().progressWebSocket()).ended)).toBe(true);
  });

  it('a refused upgrade -> the HttpError of its status', async () => {
    emulator.current.admin.injectFault({ operation: 'backups_streamed_progress_websocket', status: 503, times: 1 });
    const error = await collect(client().progressWebSocket()).ended;
    expect(isServerError(error) && error.status).toBe(503);
  });

  it('no open within the timeout -> TimeoutError', async () => {
    emulator.current.admin.injectFault({ operation: 'backups_streamed_progress_websocket', latencyMs: 3_000, times: 1 });
    const error = await collect(client().progressWebSocket({ timeout: 100 })).ended;
    expect(isTimeoutError(error) && error.timeoutMs).toBe(100);
  });

  it('abort through the call signal -> AbortedError and a closed socket', async () => {
    const recorder = recordingWebSocket();
    const controller = new AbortController();
    const stream = collect(client({ WebSocket: recorder.WebSocket }).progressWebSocket({ signal: controller.signal }), () =>
      controller.abort('done'),
    );
    const error = await stream.ended;
    expect(isAbortedError(error) && error.reason).toBe('done');
    await waitFor(() => (recorder.sockets[0]?.readyState === WebSocket.CLOSED ? true : undefined), 'the socket to close');
  });

  it('close() during a creation: no events after it, the socket closes, the creation runs on', async () => {
    const recorder = recordingWebSocket();
    emulator.current.admin.setState(SLOW);
    const stream = collect(client({ WebSocket: recorder.WebSocket }).createWebSocket(), (_frame, self) => self.close());
    const id = await waitFor(() => stream.frames[0]?.backup?.id, 'the first frame');
    await waitFor(() => (recorder.sockets[0]?.readyState === WebSocket.CLOSED ? true : undefined), 'the socket to close');
    expect(['INITIALIZED', 'IN-PROGRESS']).toContain((await client().status('creation', id)).value);
    expect(stream.events).toEqual(['next']);
  });

  it('close() right after open(), while connecting: silence and no stray error', async () => {
    let connecting: ReturnType<typeof collect> | undefined;
    const recorder = recordingWebSocket((socket) =>
      queueMicrotask(() => {
        expect(socket.readyState).toBe(WebSocket.CONNECTING);
        connecting?.close();
      }),
    );
    const api = client({ WebSocket: recorder.WebSocket });
    const immediate = collect(api.progressWebSocket());
    immediate.close();
    connecting = collect(api.progressWebSocket());
    await waitFor(() => recorder.sockets[0], 'the socket to be made');
    await waitFor(() => (recorder.sockets.every((socket) => socket.readyState === WebSocket.CLOSED) ? true : undefined), 'closed');
    await sleep(100);
    expect(recorder.sockets).toHaveLength(1);
    expect(immediate.events).toEqual([]);
    expect(connecting.events).toEqual([]);
  });

  it('uses the `ws` package when no constructor is given and there is no global one', async () => {
    expect((globalThis as { WebSocket?: unknown }).WebSocket).toBeUndefined();
    const stream = collect(client().progressWebSocket());
    await waitFor(() => stream.frames[0], 'a frame');
    stream.close();
  });
});
