import { bundleWorkflows } from './create-worker.js';

/**
 * Prints the workflow bundle (with tracing's interceptors given `--traced`) as JSON on stdout. The
 * worker process runs this as a child process at start (bundle-workflows.ts), so webpack's memory
 * goes away with the child instead of staying in the worker for its life.
 */
const bundle = await bundleWorkflows({ traced: process.argv.includes('--traced') });
process.stdout.write(JSON.stringify({ code: bundle.code, sourceMap: bundle.sourceMap }));
