/** Said when a change met a newer version from another device (412); the person's change was not applied. */
export const CONFLICT_MESSAGE =
  'Your dashboard was changed on another device. We loaded the latest version; please make your change again.';
