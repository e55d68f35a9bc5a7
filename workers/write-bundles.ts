import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { BundleName } from './bundle-workflows.js';
import { bundleWorkflows, quietBundler } from './create-worker.js';
import { analyticsWorkflowsPath } from './analytics/create-analytics-worker.js';

/**
 * The last step of `npm run build`: every workflow bundle of the image, made once from the compiled
 * workflow code and written to the directory given (dist/workflow-bundles/), where the worker and the
 * analytics process find them (prebuiltBundle) instead of running webpack at every start.
 */
const dir = process.argv[2];
if (dir === undefined) {
  process.stderr.write('usage: write-bundles <directory>\n');
  process.exit(2);
}
const bundles: Record<BundleName, () => Promise<{ code: string }>> = {
  workflows: () => bundleWorkflows(),
  'workflows-traced': () => bundleWorkflows({ traced: true }),
  analytics: () => bundleWorkflowCode({ workflowsPath: analyticsWorkflowsPath, logger: quietBundler }),
};
mkdirSync(dir, { recursive: true });
for (const [name, bundle] of Object.entries(bundles)) {
  writeFileSync(join(dir, `${name}.js`), (await bundle()).code);
  process.stdout.write(`workflow bundle ${name} written\n`);
}
