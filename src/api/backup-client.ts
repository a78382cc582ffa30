import type {
  Asset,
  Assets,
  Backup,
  BackupFeature,
  BackupStatus,
  BackupStreamedProgress,
  BackupsStreamedProgress,
  Backups,
  HasFeatureAccessOutput,
  OperationKind,
  SeededBackup,
} from '../models/index.js';
import type { FrameSource } from './frame-source.js';
import type { RetryOptions } from './retry.js';

/** Per-call options: every call can be aborted and given its own timeout. */
export interface CallOptions {
  /** Aborting rejects with `AbortedError` (frame sources: `error(AbortedError)`). */
  signal?: AbortSignal;
  /**
   * Milliseconds before `TimeoutError`; `false` for none. Covers the whole answer of a
   * plain call, the headers of an NDJSON stream, and the opening of a WebSocket.
   */
  timeout?: number | false;
  /**
   * `false`: one attempt, no retry of a GET by the client's policy. For callers that retry on
   * their own schedule (the streams and machines do, on their injected clock), so the two
   * loops do not multiply. Default: the client's `retry` policy.
   */
  retry?: false;
}

/**
 * Retries apply to idempotent reads (GET) only, through ky: `retry` (default 2 retries of a
 * transient failure) and `retryDelay` (default: full-jitter backoff from 300 ms, at most
 * 10 s, `Retry-After` honoured). POSTs start operations and are never repeated.
 */
export interface BackupClientOptions extends RetryOptions {
  /** Where Pieces OS (or the emulator) listens, e.g. `http://127.0.0.1:39300`. */
  baseUrl: string;
  /** A fetch implementation; defaults to the global one. */
  fetch?: typeof globalThis.fetch;
  /** Extra headers on every request (for example `X-Application-ID`). */
  headers?: Record<string, string>;
  /** Default per-request timeout in ms (see `CallOptions.timeout`). Default 10_000. */
  timeout?: number | false;
  /**
   * Default timeout of the calls that answer only when an operation ends (`restore`,
   * `restoreStreamed`, `create`, `createStreamed`): a restore of a large database takes
   * minutes. Default `false` (none); pass a `signal` or a per-call `timeout` instead.
   */
  operationTimeout?: number | false;
  /** Source of the default retryDelay's jitter, [0, 1). Default `Math.random`; tests pass a seeded one. */
  random?: () => number;
  /** A WebSocket constructor; defaults to the global one, then to the `ws` package. */
  WebSocket?: WebSocketConstructor;
}

/** The part of the WHATWG WebSocket constructor the frame source needs (browser or `ws`). */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string; wasClean?: boolean }) => void): void;
  addEventListener(type: 'error', listener: (event: unknown) => void): void;
  removeEventListener(type: string, listener: (...args: never[]) => void): void;
}

/**
 * One typed method per endpoint of the Backup API (the seed's nine) and the companion
 * Backups API. Bodies are validated; failures throw the typed errors of `./errors`.
 */
export interface BackupClient {
  readonly baseUrl: string;

  /**
   * State a layer above keeps for this client and drops with it (the streams' shared polls,
   * as TanStack's QueryCache belongs to its QueryClient). The transport never reads it:
   * `key` names the owner, `create` runs on the first call, later calls get the same value.
   */
  slot<T>(key: symbol, create: () => T): T;

  // Seed: Backup API
  backup(assets?: Assets, options?: CallOptions): Promise<void>;
  backupAsset(asset?: Asset, options?: CallOptions): Promise<void>;
  restore(backupId: string, backup?: Backup, options?: CallOptions): Promise<Backup>;
  /** `application/json` flavour: one final frame. */
  restoreStreamed(backupId: string, backup?: Backup, options?: CallOptions): Promise<BackupStreamedProgress>;
  /** `GET /backup/{backup}`: the metadata of one backup (the seed's "snapshot"). */
  getBackup(backupId: string, options?: CallOptions): Promise<Backup>;
  /**
   * `POST /backup/{backup}/creation/cancel` or `.../restoration/cancel` (with `backup` as
   * its optional body): 204 when accepted, which is not yet canceled.
   */
  cancel(kind: OperationKind, backupId: string, options?: CallOptions & { backup?: Backup }): Promise<void>;
  /** `GET /backup/{backup}/creation/status` or `.../restoration/status`. */
  status(kind: OperationKind, backupId: string, options?: CallOptions): Promise<BackupStatus>;

  // Companion: Backups API
  list(options?: CallOptions): Promise<Backups>;
  create(seed?: SeededBackup, options?: CallOptions): Promise<Backup>;
  /** `application/json` flavour: one final frame. */
  createStreamed(seed?: SeededBackup, options?: CallOptions): Promise<BackupStreamedProgress>;
  delete(backupId: string, backup?: Backup, options?: CallOptions): Promise<void>;

  // The daemon's own endpoints the preflight reads (404 from a daemon older than them)
  /** `GET /.well-known/version`: the running Pieces OS version, the bare text as it comes (`10.1.4`). */
  version(options?: CallOptions): Promise<string>;
  /** `POST /user/has_feature_access`: the organisation's switch of one feature (usable when `enabled && canUse`). */
  featureAccess(feature: BackupFeature, options?: CallOptions): Promise<HasFeatureAccessOutput>;

  // Streams: validated frames as they arrive (NDJSON over HTTP, or WebSocket)
  createStreamedFrames(seed?: SeededBackup, options?: CallOptions): FrameSource<BackupStreamedProgress>;
  restoreStreamedFrames(backupId: string, backup?: Backup, options?: CallOptions): FrameSource<BackupStreamedProgress>;
  createWebSocket(seed?: SeededBackup, options?: CallOptions): FrameSource<BackupStreamedProgress>;
  restoreWebSocket(backupId: string, backup?: Backup, options?: CallOptions): FrameSource<BackupStreamedProgress>;
  progressWebSocket(options?: CallOptions): FrameSource<BackupsStreamedProgress>;
}
