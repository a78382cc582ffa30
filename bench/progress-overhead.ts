/**
 * `progress_overhead_ratio_{websocket,ndjson}`, `machine_events_per_100k_frames`,
 * `store_notifications_per_100k_frames`: a creation that sends `profile.frames` progress
 * frames (the emulator's `progressFrames`, at an unlimited rate, in its own process),
 * followed through the whole stack (frame source -> stream -> machine -> the core's
 * lifecycle store, with a listener as an adapter has) until `done`, against the raw
 * baseline over the same transport: read the frames and `JSON.parse` them, nothing else.
 */
import WebSocket from 'ws';
import { createBackupClient, type WebSocketConstructor } from '../src/api/index.js';
import { createLifecycle } from '../src/core/index.js';
import { isTerminalStatus, type BackupStreamedProgress } from '../src/models/index.js';
import type { InspectionEvent } from 'xstate';
import { figure, median, round, startEmulatorProcess, type Figure, type Profile } from './figures.js';

type Transport = 'websocket' | 'ndjson';

interface Run {
  ms: number;
  /** CPU time of this process (user + system) over the run: the client's own cost. */
  cpuMs: number;
  frames: number;
}

const cpuSince = (start: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};

function rawWebSocket(baseUrl: string): Promise<Run> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  return new Promise((resolve, reject) => {
    let frames = 0;
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/backups/create/streamed/websocket`);
    socket.on('open', () => socket.send('{}'));
    socket.on('error', reject);
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as BackupStreamedProgress;
      frames += 1;
      if (isTerminalStatus(frame.status)) {
        resolve({ ms: performance.now() - started, cpuMs: cpuSince(cpu), frames });
        socket.close();
      }
    });
  });
}

async function rawNdjson(baseUrl: string): Promise<Run> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const response = await fetch(`${baseUrl}/backups/create/streamed`, {
    method: 'POST',
    headers: { accept: 'application/x-ndjson', 'content-type': 'application/json' },
    body: '{}',
  });
  const decoder = new TextDecoder();
  let buffered = '';
  let frames = 0;
  let terminal = false;
  const reader = response.body!.getReader();
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    buffered += decoder.decode(chunk.value, { stream: true });
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const frame = JSON.parse(buffered.slice(0, newline)) as BackupStreamedProgress;
      frames += 1;
      terminal ||= isTerminalStatus(frame.status);
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf('\n');
    }
  }
  if (!terminal) throw new Error('the NDJSON stream ended without a terminal frame');
  return { ms: performance.now() - started, cpuMs: cpuSince(cpu), frames };
}

interface StackRun extends Run {
  notifications: number;
  machineEvents: number;
  state: string;
}

/** The whole stack; `countEvents` adds an inspector (left out of the timed runs). */
function stack(baseUrl: string, transport: Transport, countEvents: boolean): Promise<StackRun> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const client = createBackupClient({ baseUrl, WebSocket: WebSocket as unknown as WebSocketConstructor });
  let machineEvents = 0;
  const inspect = (event: InspectionEvent) => {
    // events the frames cause in the lifecycle machine itself (not in its invoked stream)
    if (event.type !== '@xstate.event' || event.actorRef.sessionId !== event.rootId) return;
    if (event.event.type !== 'xstate.init' && event.event.type !== 'START') machineEvents += 1;
  };
  const lifecycle = createLifecycle(client, 'creation', { transport, ...(countEvents && { inspect }) });
  // -1: the notification START itself causes (`starting`) is not a frame's
  let notifications = -1;
  return new Promise((resolve) => {
    const unsubscribe = lifecycle.subscribe(() => {
      notifications += 1;
      const { value } = lifecycle.getSnapshot();
      if (value === 'done' || value === 'failed' || value === 'cancelled') {
        const ms = performance.now() - started;
        const cpuMs = cpuSince(cpu);
        unsubscribe();
        lifecycle.dispose();
        resolve({ ms, cpuMs, frames: Number.NaN, notifications, machineEvents, state: value });
      }
    });
    lifecycle.start();
  });
}

export async function progressOverhead(profile: Profile): Promise<Record<string, Figure>> {
  const emulator = await startEmulatorProcess({ rateBytesPerSecond: 1e12, tickMs: 1, progressFrames: profile.frames });
  const figures: Record<string, Figure> = {};
  const events: Record<string, number> = {};
  const notifications: Record<string, number> = {};
  try {
    for (const transport of ['websocket', 'ndjson'] as const) {
      const raw = transport === 'websocket' ? rawWebSocket : rawNdjson;
      // warm-up: JIT, connections, the emulator's first snapshot
      await raw(emulator.url);
      await stack(emulator.url, transport, false);
      const raws: Run[] = [];
      const stacks: StackRun[] = [];
      for (let run = 0; run < profile.overheadRuns; run += 1) {
        // interleaved, so drift on a shared machine hits both alike
        raws.push(await raw(emulator.url));
        stacks.push(await stack(emulator.url, transport, false));
      }
      const counted = await stack(emulator.url, transport, true);
      const failed = stacks.find((run) => run.state !== 'done') ?? (counted.state !== 'done' ? counted : undefined);
      if (failed) throw new Error(`the ${transport} lifecycle ended ${failed.state}`);
      const rawMs = median(raws.map((run) => run.ms));
      const stackMs = median(stacks.map((run) => run.ms));
      events[transport] = counted.machineEvents;
      notifications[transport] = counted.notifications;
      figures[`progress_overhead_ratio_${transport}`] = figure(
        round(stackMs / rawMs),
        'ratio',
        { max: 1.1 },
        profile.overheadRuns,
        `median time of a creation sending ${raws[0]!.frames} frames over ${transport} through createLifecycle (stream, machine, store with a listener) until done, over the median of reading and JSON.parse-ing the same frames; runs interleaved, emulator in its own process`,
        {
          details: {
            frames: raws[0]!.frames,
            stackMedianMs: round(stackMs, 1),
            rawMedianMs: round(rawMs, 1),
            // the client's own CPU time: the wall-clock ratio hides it where the emulator is the bottleneck
            stackMedianCpuMs: round(median(stacks.map((run) => run.cpuMs)), 1),
            rawMedianCpuMs: round(median(raws.map((run) => run.cpuMs)), 1),
            stackMs: stacks.map((run) => round(run.ms, 1)),
            rawMs: raws.map((run) => round(run.ms, 1)),
          },
        },
      );
    }
  } finally {
    await emulator.close();
  }
  const worst = (counts: Record<string, number>) => Math.max(...Object.values(counts));
  const why =
    'the 101 whole percentages (0-100) and the status change INITIALIZED -> IN-PROGRESS at 0 %, which distinctProgress passes as a visible change';
  figures.machine_events_per_100k_frames = figure(
    worst(events),
    'events',
    { max: 101 },
    1,
    `events the lifecycle machine receives (inspect: @xstate.event on the root actor, all but xstate.init and START: the ones frames cause) while ${profile.frames} progress frames arrive; the larger of the two transports`,
    { ...(worst(events) > 101 && { why }), details: { byTransport: events, frames: profile.frames } },
  );
  figures.store_notifications_per_100k_frames = figure(
    worst(notifications),
    'notifications',
    { max: 101 },
    1,
    `calls of a listener subscribed to the core's lifecycle store (createLifecycle), but the one START causes, while ${profile.frames} progress frames arrive; the larger of the two transports`,
    { ...(worst(notifications) > 101 && { why }), details: { byTransport: notifications, frames: profile.frames } },
  );
  return figures;
}
