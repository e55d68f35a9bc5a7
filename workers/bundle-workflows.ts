import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { WorkflowBundlePath, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { modulePath } from './module-path.js';

/**
 * The workflow bundle, made by a child process with this process's loader flags (tsx). Bundled in
 * the worker itself, webpack's allocations stayed in its heap for good (measured: 305 MiB idle RSS,
 * 243 MiB with the bundle made elsewhere).
 */
export async function bundleWorkflowsInChild(
  options: { traced?: boolean } = {},
  timeoutMs = 120_000,
): Promise<WorkflowBundleWithSourceMap> {
  const script = modulePath('./bundle', import.meta.url);
  const args = [...process.execArgv, script, ...(options.traced ? ['--traced'] : [])];
  const { stdout } = await promisify(execFile)(process.execPath, args, {
    timeout: timeoutMs,
    maxBuffer: 256 * 1024 * 1024,
  });
  return JSON.parse(stdout) as WorkflowBundleWithSourceMap;
}

/** The workflow bundles of the platform: its own (untraced and traced) and the analytics process's. */
export type BundleName = 'workflows' | 'workflows-traced' | 'analytics';

/**
 * A bundle `npm run build` wrote beside the compiled code (dist/workflow-bundles/), so a process of the
 * image starts without bundling; beside the sources there is none and the bundle is made at start.
 */
export function prebuiltBundle(name: BundleName): WorkflowBundlePath | undefined {
  const codePath = fileURLToPath(new URL(`../workflow-bundles/${name}.js`, import.meta.url));
  return existsSync(codePath) ? { codePath } : undefined;
}
