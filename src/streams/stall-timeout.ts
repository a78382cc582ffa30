import { identity, NEVER, throwError, timeout, timer, type MonoTypeOperatorFunction, type Observable } from 'rxjs';
import type { ResolvedStream } from './resolve-options.js';

/** Errors with `stalled()` when no value arrives for `stallTimeoutMs`; a no-op when disabled. */
export function stallTimeout<T>(policy: ResolvedStream, stalled: () => Error): MonoTypeOperatorFunction<T> {
  if (!Number.isFinite(policy.stallTimeoutMs)) return identity;
  return timeout({
    each: policy.stallTimeoutMs,
    scheduler: policy.scheduler,
    with: () => throwError(stalled),
  });
}

/** Emits once after `stallTimeoutMs`; never when stall detection is disabled. */
export function stallTimer(policy: ResolvedStream): Observable<unknown> {
  return Number.isFinite(policy.stallTimeoutMs) ? timer(policy.stallTimeoutMs, policy.scheduler) : NEVER;
}
