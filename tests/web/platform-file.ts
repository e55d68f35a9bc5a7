import { fileURLToPath } from 'node:url';

/** Where the browser tests' platform says how to reach it (git-ignored, rewritten by every run). */
export const platformFile = fileURLToPath(new URL('../../.stack/browser-platform.json', import.meta.url));

export interface BrowserPlatform {
  readonly apiUrl: string;
  readonly domainUrls: Record<'accounts' | 'partners' | 'transactions' | 'offers', string>;
  readonly taskQueue: string;
  /** The analytics store's schema of this run (`ops analytics-backfill` must roll up the same). */
  readonly analyticsSchema: string;
  readonly jwtSecret: string;
}
