// Every workflow the worker registers. Workflow code is deterministic: it imports dashboard/ and
// activity types only, never adapters or Node built-ins (enforced by ESLint).
export { rebuildDashboard } from './rebuild-dashboard.js';
export { changePreferences } from './change-preferences.js';
export { rebuildMany } from './rebuild-many.js';
export { eraseUser } from './erase-user.js';
export { rebuildBatch } from './rebuild-batch.js';
