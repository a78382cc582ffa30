/** Failure reasons of operations that ended because the emulator stopped, not because they broke. */
export const SHUTDOWN_REASON = 'interrupted: Pieces OS is shutting down';
export const RESET_REASON = 'interrupted: the emulator was reset';
