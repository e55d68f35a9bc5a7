import { SECTION_NAMES } from '../../../dashboard/contract/common.js';
import type { Preferences } from '../../../dashboard/contract/preferences.js';
import { SECTION_TITLES } from '../dashboard/sections';
import { LAYOUT_LABELS, SORT_CHOICES } from '../personalise/choices';

const count = (n: number, what: string) => `${n} ${what}`;

/** One version of the preferences in a line a person can compare with the next. */
export function summarisePreferences(preferences: Preferences): string {
  const sections = SECTION_NAMES.map((section) => {
    const own = preferences.sections[section];
    const sort = SORT_CHOICES[section].find((choice) => choice.value === own.sort)?.label ?? own.sort;
    const extras = [
      own.hidden.length > 0 ? count(own.hidden.length, 'hidden') : '',
      own.pinned.length > 0 ? count(own.pinned.length, 'pinned') : '',
    ].filter(Boolean);
    return `${SECTION_TITLES[section]}: ${[sort.toLowerCase(), ...extras].join(', ')}`;
  });
  return [`Layout: ${LAYOUT_LABELS[preferences.layout].toLowerCase()}`, ...sections].join(' · ');
}
