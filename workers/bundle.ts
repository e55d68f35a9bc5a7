import { bundleWorkflows } from './create-worker.js';

/**
 * Prints the workflow bundle as JSON on stdout. The worker process runs this as a child process at
 * start (bundle-workflows.ts), so webpack's memory goes away with the child instead of staying in the
 * worker for its life.
 */
const bundle = await bundleWorkflows();
process.stdout.write(JSON.stringify({ code: bundle.code, sourceMap: bundle.sourceMap }));
