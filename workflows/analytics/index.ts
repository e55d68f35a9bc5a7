// The analytics process's workflows: a bundle of their own, so the dashboard worker never loads them.
export { rollupAnalytics, backfillAnalytics } from './rollup.js';
