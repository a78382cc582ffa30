import { ConflictError } from '../../../src/api/errors/index.js';
import type { RunOutcome } from '../../../src/core/policy/schedule.js';
import type { Backup } from '../../../src/models/index.js';
import type { VirtualClock } from '../../../src/testing/virtual-clock.js';
import { backupMadeAt } from './support.js';

/**
 * The daemon's truth for the runner, in virtual time: one creation or restoration at a time
 * (a second start is a 409, as the emulator answers), a creation taking `creationMs`.
 */
export class FakeDaemon {
  readonly backups: Backup[] = [];
  /** Every creation started, with its start and end (epoch ms). */
  readonly creations: Array<{ startedAt: number; endedAt?: number; by: string }> = [];
  running: 'creation' | 'restoration' | null = null;
  maxConcurrent = 0;
  /** The next starts' answers, before the default (a completed creation). */
  readonly failNext: Array<{ name: string; message: string }> = [];

  constructor(
    private readonly clock: VirtualClock,
    readonly now: () => number,
    private readonly creationMs = 10 * 60_000,
    readonly deviceName = 'laptop',
  ) {}

  listBackups = async (): Promise<readonly Backup[]> => [...this.backups];

  isOperationRunning = async (): Promise<'creation' | 'restoration' | null> => this.running;

  /** A start as runner `by` asks for it. */
  startBackup(by: string): Promise<RunOutcome> {
    if (this.running) {
      return Promise.reject(new ConflictError({ method: 'POST', url: '/backups/create/streamed', body: `a ${this.running} is running` }));
    }
    const failure = this.failNext.shift();
    if (failure) return Promise.resolve({ status: 'failed', error: failure });
    return this.create(by).then((backup) => ({ status: 'completed', backupId: backup.id }));
  }

  /** A creation, e.g. started by hand in the desktop app. */
  create(by: string): Promise<Backup> {
    const startedAt = this.now();
    const record: { startedAt: number; endedAt?: number; by: string } = { startedAt, by };
    this.creations.push(record);
    this.running = 'creation';
    const concurrent = this.creations.filter((creation) => creation.endedAt === undefined).length;
    this.maxConcurrent = Math.max(this.maxConcurrent, concurrent);
    return new Promise((resolve) => {
      this.clock.scheduler.schedule(() => {
        const backup = backupMadeAt(startedAt, { device: this.deviceName });
        this.backups.push(backup);
        record.endedAt = this.now();
        this.running = null;
        resolve(backup);
      }, this.creationMs);
    });
  }

  /** A restoration running for `ms`. */
  restore(ms: number): void {
    this.running = 'restoration';
    this.clock.scheduler.schedule(() => {
      this.running = null;
    }, ms);
  }
}
