import type { BackupClient, CallOptions } from '../../src/api/backup-client.js';
import type { FrameSink, FrameSource } from '../../src/api/frame-source.js';
import type {
  Backup,
  BackupFeature,
  BackupStatus,
  BackupStreamedProgress,
  BackupsStreamedProgress,
  HasFeatureAccessOutput,
  OperationKind,
} from '../../src/models/index.js';

/** One call the fake received; settle it by hand, or let a responder do it. */
export interface FakeCall<T = unknown> {
  method: string;
  args: unknown[];
  signal: AbortSignal | undefined;
  timeout: number | false | undefined;
  at: number;
  settled: boolean;
  resolve(value: T): void;
  reject(error: unknown): void;
}

/** A frame source the test drives: `emit`, `complete`, `fail`; `closed` after the consumer closes. */
export class FakeFrameSource<T> implements FrameSource<T> {
  sink: FrameSink<T> | undefined;
  opened = 0;
  closed = 0;
  constructor(
    readonly method: string,
    readonly args: unknown[],
  ) {}
  open(sink: FrameSink<T>) {
    this.opened += 1;
    this.sink = sink;
    return {
      close: () => {
        this.closed += 1;
        this.sink = undefined;
      },
    };
  }
  get isOpen(): boolean {
    return this.sink !== undefined;
  }
  emit(frame: T): void {
    this.sink?.next(frame);
  }
  complete(): void {
    const sink = this.sink;
    this.sink = undefined;
    sink?.complete();
  }
  fail(error: Error): void {
    const sink = this.sink;
    this.sink = undefined;
    sink?.error(error);
  }
}

type Responder = (call: FakeCall) => unknown;

/**
 * A BackupClient whose answers the test controls. Promise methods record a FakeCall and
 * stay pending unless a responder for that method is set (a responder may return a value,
 * a promise, or throw). Frame-source methods hand out FakeFrameSources.
 */
export class FakeClient implements BackupClient {
  readonly baseUrl = 'http://fake.invalid';
  readonly calls: FakeCall[] = [];
  readonly sources: FakeFrameSource<unknown>[] = [];
  readonly responders = new Map<string, Responder>();
  private readonly firstAnswers = new Map<string, unknown[]>();
  private readonly slots = new Map<symbol, unknown>();

  /** `strict`: a promise call with no responder or queued answer rejects ("unexpected call"). */
  constructor(
    private readonly now: () => number = () => 0,
    private readonly options: { strict?: boolean } = {},
  ) {}

  slot<T>(key: symbol, create: () => T): T {
    if (!this.slots.has(key)) this.slots.set(key, create());
    return this.slots.get(key) as T;
  }

  respond(method: string, responder: Responder): this {
    this.responders.set(method, responder);
    return this;
  }

  /** Answers the next call of `method` with `answer` (an Error rejects), before any responder. */
  answerNext(method: string, answer: unknown): this {
    this.firstAnswers.set(method, [...(this.firstAnswers.get(method) ?? []), answer]);
    return this;
  }

  callsOf(method: string): FakeCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  pending(method: string): FakeCall[] {
    return this.callsOf(method).filter((call) => !call.settled);
  }

  sourcesOf<T = BackupStreamedProgress>(method: string): FakeFrameSource<T>[] {
    return this.sources.filter((source) => source.method === method) as FakeFrameSource<T>[];
  }

  private call<T>(method: string, args: unknown[], options: CallOptions | undefined): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const call: FakeCall = {
        method,
        args,
        signal: options?.signal,
        timeout: options?.timeout,
        at: this.now(),
        settled: false,
        resolve: (value) => {
          if (call.settled) return;
          call.settled = true;
          resolve(value as T);
        },
        reject: (error) => {
          if (call.settled) return;
          call.settled = true;
          reject(error);
        },
      };
      options?.signal?.addEventListener('abort', () => call.reject(new Error('aborted')));
      this.calls.push(call);
      const queued = this.firstAnswers.get(method);
      if (queued && queued.length > 0) {
        const answer = queued.shift();
        if (answer instanceof Error) call.reject(answer);
        else call.resolve(answer);
        return;
      }
      const responder = this.responders.get(method);
      if (!responder) {
        if (this.options.strict) call.reject(new Error(`unexpected call ${method}`));
        return;
      }
      try {
        Promise.resolve(responder(call)).then(call.resolve, call.reject);
      } catch (error) {
        call.reject(error);
      }
    });
  }

  private source<T>(method: string, args: unknown[]): FrameSource<T> {
    const source = new FakeFrameSource<T>(method, args);
    this.sources.push(source as FakeFrameSource<unknown>);
    return source;
  }

  backup = (...args: [unknown?, CallOptions?]) => this.call<void>('backup', args, args[1]);
  backupAsset = (...args: [unknown?, CallOptions?]) => this.call<void>('backupAsset', args, args[1]);
  restore = (id: string, backup?: Backup, options?: CallOptions) => this.call<Backup>('restore', [id, backup], options);
  restoreStreamed = (id: string, backup?: Backup, options?: CallOptions) =>
    this.call<BackupStreamedProgress>('restoreStreamed', [id, backup], options);
  getBackup = (id: string, options?: CallOptions) => this.call<Backup>('getBackup', [id], options);
  // recorded under the endpoint's own name, so tests read `callsOf('creationStatus')`
  cancel = (kind: OperationKind, id: string, options?: CallOptions & { backup?: Backup }) =>
    kind === 'creation'
      ? this.call<void>('cancelCreation', [id], options)
      : this.call<void>('cancelRestoration', [id, options?.backup], options);
  status = (kind: OperationKind, id: string, options?: CallOptions) =>
    this.call<BackupStatus>(kind === 'creation' ? 'creationStatus' : 'restorationStatus', [id], options);
  list = (options?: CallOptions) => this.call<{ iterable: Backup[] }>('list', [], options);
  create = (seed?: unknown, options?: CallOptions) => this.call<Backup>('create', [seed], options);
  createStreamed = (seed?: unknown, options?: CallOptions) =>
    this.call<BackupStreamedProgress>('createStreamed', [seed], options);
  delete = (id: string, backup?: Backup, options?: CallOptions) => this.call<void>('delete', [id, backup], options);
  version = (options?: CallOptions) => this.call<string>('version', [], options);
  featureAccess = (feature: BackupFeature, options?: CallOptions) =>
    this.call<HasFeatureAccessOutput>('featureAccess', [feature], options);
  createStreamedFrames = (seed?: unknown) => this.source<BackupStreamedProgress>('createStreamedFrames', [seed]);
  restoreStreamedFrames = (id: string, backup?: Backup) =>
    this.source<BackupStreamedProgress>('restoreStreamedFrames', [id, backup]);
  createWebSocket = (seed?: unknown) => this.source<BackupStreamedProgress>('createWebSocket', [seed]);
  restoreWebSocket = (id: string, backup?: Backup) =>
    this.source<BackupStreamedProgress>('restoreWebSocket', [id, backup]);
  progressWebSocket = () => this.source<BackupsStreamedProgress>('progressWebSocket', []);
}

export { VirtualClock } from './virtual-clock.js';
export { backupOf, frameOf, statusOf } from './wire-fixtures.js';

/** A random() that returns the given values in turn (then repeats the last). */
export function seededRandom(values: readonly number[]): () => number {
  let index = 0;
  return () => values[Math.min(index++, values.length - 1)] ?? 0;
}
