import type { SectionName } from '../../../dashboard/contract/common.js';

/** Section titles as people see them: the widgets section is "Offers" in the app. */
export const SECTION_TITLES: Record<SectionName, string> = {
  accounts: 'Accounts',
  partners: 'Partners',
  widgets: 'Offers',
};

/** How a sentence names a section's data ("we couldn't reach your accounts"). */
export const SECTION_WORDS: Record<SectionName, string> = {
  accounts: 'your accounts',
  partners: 'your partners',
  widgets: 'your offers',
};
