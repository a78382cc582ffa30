import { InjectionToken } from '@angular/core';
import type { PagePolicy } from '../../shared/policy';

/** The page's schedule and retention policy (its query string), given to the core; its `error` is shown. */
export const PAGE_POLICY = new InjectionToken<PagePolicy>('the page policy');
