import net from 'node:net';

// A TCP proxy in toxiproxy's model, for faults the emulator cannot inject on itself: toxics
// act on the bytes of a connection, `upstream` (client -> daemon) or `downstream` (daemon ->
// client), on the connections they select by number (1 for the first accepted). It listens on
// 127.0.0.1 port 0 only and forwards to a loopback target.

export type Direction = 'upstream' | 'downstream';

/**
 * Which connections a toxic acts on: their numbers, or a predicate (asked for every chunk, so
 * it can wait for the first request line), or all when omitted.
 */
export type ConnectionSelector = readonly number[] | ((connection: { number: number; firstLine: string }) => boolean);

interface ToxicBase {
  direction: Direction;
  connections?: ConnectionSelector;
}

/** Where a cut happens: after `afterBytes` of the direction, counted from its start or (with `afterHeaders`) from the end of the first HTTP head seen. */
interface CutPoint {
  afterBytes: number;
  afterHeaders?: boolean;
}

export type Toxic = ToxicBase &
  (
    | { kind: 'latency'; latencyMs: number }
    /** Every chunk cut into `sizeBytes` pieces, `delayMs` apart. */
    | { kind: 'slicer'; sizeBytes: number; delayMs?: number }
    | { kind: 'bandwidth'; bytesPerSecond: number }
    /** Nothing more passes, and the receiver is never told: no FIN, no RST. */
    | ({ kind: 'silent' } & CutPoint)
    /** The receiver gets FIN; the other side is ended too. */
    | ({ kind: 'fin' } & CutPoint)
    /** The receiver gets RST; the other side is destroyed. */
    | ({ kind: 'reset' } & CutPoint)
    /**
     * upstream: a connection that already answered and then sat idle `idleMs` is closed (FIN to
     * the client) the moment the next request's bytes arrive, which are never forwarded: the
     * server's keep-alive timeout racing a client reusing the connection.
     */
    | { kind: 'close-on-reuse'; idleMs?: number }
  );

export type ToxicKind = Toxic['kind'];

export interface ConnectionInfo {
  /** 1 for the first connection accepted. */
  readonly number: number;
  /** The request line of the first request, once seen (e.g. `GET /backups HTTP/1.1`). */
  readonly firstLine: string;
  readonly upstreamBytes: number;
  readonly downstreamBytes: number;
  /** Which toxics cut it, in order (`silent downstream`, ...). */
  readonly cuts: readonly string[];
  readonly closed: boolean;
}

export interface FaultProxy {
  /** `http://127.0.0.1:<port>`: the base URL to give the client. */
  readonly url: string;
  readonly port: number;
  /** Adds a toxic for connections accepted from now on and those open now; returns its removal. */
  add(toxic: Toxic): () => void;
  /** Removes every toxic and heals a partition. */
  clear(): void;
  /** Every connection, old and new, passes nothing in either direction until `heal` (bytes are held, as TCP would retransmit them). */
  partition(): void;
  heal(): void;
  readonly partitioned: boolean;
  /** Every connection accepted so far, in order. */
  connections(): ConnectionInfo[];
  /** Destroys every connection and stops listening. */
  close(): Promise<void>;
}

const selects = (selector: ConnectionSelector | undefined, connection: { number: number; firstLine: string }) =>
  selector === undefined || (typeof selector === 'function' ? selector(connection) : selector.includes(connection.number));

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const HEAD_END = Buffer.from('\r\n\r\n');

type Item = Buffer | 'end' | 'reset';

/** One direction of one connection: an ordered queue of chunks through the toxics. */
class Pipe {
  private readonly queue: Item[] = [];
  private pumping = false;
  /** Bytes written on to the receiver. */
  forwarded = 0;
  /** Where the first HTTP head of this direction ended (bytes from the start), once seen. */
  private headEnd: number | undefined;
  private scanned = Buffer.alloc(0);
  /** Nothing passes any more (silent, or cut). */
  stopped = false;

  constructor(
    private readonly connection: Connection,
    readonly direction: Direction,
    private readonly to: () => net.Socket | undefined,
  ) {}

  push(item: Item): void {
    if (item instanceof Buffer) this.seeHead(item);
    this.queue.push(item);
    if (!this.pumping) void this.pump();
  }

  /** Bytes pushed so far (forwarded or queued). */
  private received = 0;

  private seeHead(chunk: Buffer) {
    if (this.headEnd === undefined) {
      const tail = Math.min(3, this.scanned.length);
      this.scanned = Buffer.concat([this.scanned.subarray(this.scanned.length - tail), chunk]);
      const at = this.scanned.indexOf(HEAD_END);
      if (at >= 0) this.headEnd = this.received - tail + at + HEAD_END.length;
    }
    this.received += chunk.length;
  }

  private async pump() {
    this.pumping = true;
    try {
      while (this.queue.length > 0) {
        const item = this.queue.shift()!;
        await this.connection.proxy.healed();
        if (this.stopped) continue;
        if (item === 'end' || item === 'reset') {
          this.finish(item);
          continue;
        }
        await this.pass(item);
      }
    } finally {
      this.pumping = false;
    }
  }

  private finish(item: 'end' | 'reset') {
    const socket = this.to();
    if (!socket || socket.destroyed) return;
    if (item === 'end') socket.end();
    else socket.resetAndDestroy();
  }

  private toxics() {
    return this.connection.proxy.toxicsFor(this.connection, this.direction);
  }

  private async pass(chunk: Buffer) {
    let pieces = [chunk];
    for (const toxic of this.toxics()) {
      if (toxic.kind === 'slicer') pieces = pieces.flatMap((piece) => slice(piece, Math.max(1, toxic.sizeBytes)));
    }
    for (const piece of pieces) {
      if (this.stopped) return;
      let rest: Buffer | undefined = piece;
      for (const toxic of this.toxics()) {
        if (toxic.kind === 'latency') await sleep(toxic.latencyMs);
        else if (toxic.kind === 'slicer') await sleep(toxic.delayMs ?? 1);
        else if (toxic.kind === 'bandwidth') await sleep((piece.length * 1_000) / Math.max(1, toxic.bytesPerSecond));
      }
      await this.connection.proxy.healed();
      for (const toxic of this.toxics()) {
        if (toxic.kind !== 'silent' && toxic.kind !== 'fin' && toxic.kind !== 'reset') continue;
        const limit = this.limitOf(toxic);
        if (limit === undefined || this.forwarded + rest.length <= limit) continue;
        const keep = Math.max(0, limit - this.forwarded);
        // a reset must wait for the bytes before it to leave, or the kernel drops them (and the RST)
        await this.write(rest.subarray(0, keep));
        this.cut(toxic.kind);
        rest = undefined;
        break;
      }
      if (rest) void this.write(rest);
    }
  }

  private limitOf(toxic: CutPoint): number | undefined {
    if (!toxic.afterHeaders) return toxic.afterBytes;
    return this.headEnd === undefined ? undefined : this.headEnd + toxic.afterBytes;
  }

  private write(bytes: Buffer): Promise<void> | void {
    if (bytes.length === 0) return;
    const socket = this.to();
    if (!socket || socket.destroyed || socket.writableEnded) return;
    this.forwarded += bytes.length;
    this.connection.lastActivity = Date.now();
    return new Promise((resolve) => socket.write(bytes, () => setTimeout(resolve, 5)));
  }

  cut(kind: 'silent' | 'fin' | 'reset' | 'close-on-reuse') {
    this.stopped = true;
    this.connection.cuts.push(`${kind} ${this.direction}`);
    if (kind === 'silent') return;
    const receiver = this.to();
    const other = this.direction === 'downstream' ? this.connection.upstreamSocket : this.connection.client;
    if (kind === 'reset') {
      if (receiver && !receiver.destroyed) receiver.resetAndDestroy();
      other?.destroy();
    } else {
      // fin (and close-on-reuse, which is the server's FIN): both sides are ended
      receiver?.end();
      other?.end();
    }
  }
}

function slice(chunk: Buffer, size: number): Buffer[] {
  const pieces: Buffer[] = [];
  for (let start = 0; start < chunk.length; start += size) pieces.push(chunk.subarray(start, start + size));
  return pieces;
}

class Connection {
  upstreamSocket: net.Socket | undefined;
  firstLine = '';
  readonly cuts: string[] = [];
  lastActivity = Date.now();
  closed = false;
  readonly up: Pipe;
  readonly down: Pipe;

  constructor(
    readonly proxy: ProxyState,
    readonly number: number,
    readonly client: net.Socket,
  ) {
    this.up = new Pipe(this, 'upstream', () => this.upstreamSocket);
    this.down = new Pipe(this, 'downstream', () => this.client);
  }

  info(): ConnectionInfo {
    return {
      number: this.number,
      firstLine: this.firstLine,
      upstreamBytes: this.up.forwarded,
      downstreamBytes: this.down.forwarded,
      cuts: [...this.cuts],
      closed: this.closed,
    };
  }

  onClientData(chunk: Buffer) {
    if (this.firstLine === '') this.firstLine = chunk.toString('latin1').split('\r\n', 1)[0] ?? '';
    const reuse = this.proxy.toxicsFor(this, 'upstream').find((toxic) => toxic.kind === 'close-on-reuse');
    if (reuse && !this.up.stopped && this.down.forwarded > 0 && Date.now() - this.lastActivity >= (reuse.idleMs ?? 50)) {
      this.up.cut('close-on-reuse');
      return;
    }
    this.lastActivity = Date.now();
    this.up.push(chunk);
  }

  destroy() {
    this.closed = true;
    this.client.destroy();
    this.upstreamSocket?.destroy();
  }
}

class ProxyState {
  readonly toxics = new Set<Toxic>();
  readonly connections: Connection[] = [];
  partitioned = false;
  private heal: { promise: Promise<void>; resolve: () => void } | undefined;

  constructor(readonly target: { host: string; port: number }) {}

  toxicsFor(connection: { number: number; firstLine: string }, direction: Direction): Toxic[] {
    return [...this.toxics].filter((toxic) => toxic.direction === direction && selects(toxic.connections, connection));
  }

  healed(): Promise<void> | void {
    return this.heal?.promise;
  }

  partition() {
    if (this.partitioned) return;
    this.partitioned = true;
    let resolve!: () => void;
    const promise = new Promise<void>((done) => (resolve = done));
    this.heal = { promise, resolve };
    for (const connection of this.connections) {
      connection.client.pause();
      connection.upstreamSocket?.pause();
    }
  }

  endPartition() {
    if (!this.partitioned) return;
    this.partitioned = false;
    this.heal?.resolve();
    this.heal = undefined;
    for (const connection of this.connections) {
      if (connection.closed) continue;
      connection.client.resume();
      if (connection.upstreamSocket) connection.upstreamSocket.resume();
      else this.connectUpstream(connection);
    }
  }

  accept(client: net.Socket) {
    const connection = new Connection(this, this.connections.length + 1, client);
    this.connections.push(connection);
    client.on('data', (chunk: Buffer) => connection.onClientData(chunk));
    client.on('end', () => connection.up.push('end'));
    client.on('error', () => connection.up.push('reset'));
    client.on('close', () => {
      connection.closed = true;
      // the client left: the daemon sees it leave, unless the upstream pipe was cut silent
      if (!connection.up.stopped) connection.upstreamSocket?.destroy();
    });
    if (this.partitioned) client.pause();
    else this.connectUpstream(connection);
  }

  private connectUpstream(connection: Connection) {
    if (connection.upstreamSocket || connection.closed) return;
    const upstream = net.connect({ host: this.target.host, port: this.target.port, allowHalfOpen: true });
    connection.upstreamSocket = upstream;
    upstream.on('data', (chunk: Buffer) => {
      connection.lastActivity = Date.now();
      connection.down.push(chunk);
    });
    upstream.on('end', () => connection.down.push('end'));
    upstream.on('error', () => connection.down.push('reset'));
    upstream.on('close', () => {
      // a silent pipe never tells the client; any other close reaches it through the queue
      if (connection.down.stopped) return;
      connection.down.push('end');
    });
  }
}

/**
 * Starts a proxy on 127.0.0.1, port 0, in front of `target` (a loopback URL or port).
 *
 * @example
 * ```ts
 * const proxy = await startFaultProxy(emulator.url);
 * proxy.add({ kind: 'silent', direction: 'downstream', afterHeaders: true, afterBytes: 10, connections: [1] });
 * const client = createBackupClient({ baseUrl: proxy.url });
 * ```
 */
export async function startFaultProxy(target: string | number): Promise<FaultProxy> {
  const { hostname, port } = typeof target === 'number' ? { hostname: '127.0.0.1', port: String(target) } : new URL(target);
  const host = hostname.replace(/^\[|\]$/g, '');
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) throw new Error(`the fault proxy forwards to loopback only, not ${host}`);
  const state = new ProxyState({ host, port: Number(port) });
  const server = net.createServer({ allowHalfOpen: true }, (client) => state.accept(client));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const listening = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${listening}`,
    port: listening,
    add(toxic) {
      state.toxics.add(toxic);
      return () => void state.toxics.delete(toxic);
    },
    clear() {
      state.toxics.clear();
      state.endPartition();
    },
    partition: () => state.partition(),
    heal: () => state.endPartition(),
    get partitioned() {
      return state.partitioned;
    },
    connections: () => state.connections.map((connection) => connection.info()),
    async close() {
      state.endPartition();
      for (const connection of state.connections) connection.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
