import type { Freshness } from '../../../dashboard/contract/dashboard.js';
import type { SectionName } from '../../../dashboard/contract/common.js';
import { formatTime } from '../format';
import { SECTION_WORDS } from './sections';

/**
 * A section's freshness in words a customer understands: when it was updated, and, when a service
 * could not be reached, that what they see is older (or missing) and why, without system terms.
 */
export function freshnessText(section: SectionName, freshness: Freshness, now: Date = new Date()): string {
  const what = SECTION_WORDS[section];
  if (freshness.asOf === null) return `Not available right now — we couldn't reach ${what}`;
  const when = formatTime(freshness.asOf, now);
  return freshness.stale ? `Shown as of ${when} — we couldn't reach ${what} just now` : `Updated ${when}`;
}
