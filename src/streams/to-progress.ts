import type { Backup, BackupStatus, BackupStreamedProgress } from '../models/index.js';
import type { OperationKind, OperationProgress, ProgressTransport } from './types.js';

/** A polled status as an observation of the operation `backupId`. */
export function progressFromStatus(
  kind: OperationKind,
  backupId: string,
  status: BackupStatus,
  at: number,
): OperationProgress {
  return {
    kind,
    backupId,
    backup: status.backup,
    status: status.value ?? 'UNKNOWN',
    percentage: typeof status.percentage === 'number' ? status.percentage : null,
    transport: 'polling',
    at,
  };
}

/**
 * A streamed frame as an observation. Fields a frame leaves out keep their previous value
 * (a frame may carry only a percentage), the id comes from the frame or from what is known.
 */
export function progressFromFrame(
  kind: OperationKind,
  frame: BackupStreamedProgress,
  known: { backupId: string; backup?: Backup; previous?: OperationProgress },
  transport: ProgressTransport,
  at: number,
): OperationProgress {
  const backup = frame.backup ?? known.previous?.backup ?? known.backup;
  return {
    kind,
    backupId: known.backupId,
    ...(backup && { backup }),
    status: frame.status ?? known.previous?.status ?? 'UNKNOWN',
    percentage:
      typeof frame.percentage === 'number'
        ? frame.percentage
        : frame.percentage === null
          ? null
          : (known.previous?.percentage ?? null),
    transport,
    at,
  };
}
