import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, bundleWorkflowCode, type WorkflowBundleOption } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { analyticsWorkflowsPath } from '../../workers/analytics/create-analytics-worker.js';
import { bundleWorkflows, quietBundler } from '../../workers/create-worker.js';
import { assertBuilt } from '../../stack/platform-processes.js';

// Histories of real runs (tests/histories/*.json, recorded by tests/histories/record.ts) replayed
// against today's workflow code: a change that would break running workflows fails here.
const dir = new URL('../histories/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
const analyticsDir = new URL('analytics/', dir);
const analyticsFiles = readdirSync(analyticsDir).filter((f) => f.endsWith('.json'));
const historiesOf = (from: URL, names: string[]) =>
  names.map((file) => ({
    workflowId: file,
    history: JSON.parse(readFileSync(new URL(file, from), 'utf8')) as unknown,
  }));

/** Replays every named history against the bundle; each one's error, none expected. */
async function replayErrors(workflowBundle: WorkflowBundleOption, from: URL, names: string[]) {
  const results = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle }, historiesOf(from, names)))
    results.push(result);
  return results.map((r) => ({ file: r.workflowId, error: r.error ? String(r.error) : undefined }));
}
const noErrors = (names: string[]) => names.map((file) => ({ file, error: undefined }));

describe('recorded workflow histories', () => {
  it('exist for every workflow', () => {
    const types = files.map((f) => f.replace(/-.*|\.json$/g, ''));
    expect(new Set(types)).toEqual(
      new Set(['rebuildDashboard', 'rebuildBatch', 'changePreferences', 'rebuildMany', 'eraseUser']),
    );
  });

  // A traced worker's bundle carries tracing's workflow interceptors: they must not change a replay either.
  it.each([
    ['untraced', false],
    ['traced', true],
  ])('replay without non-determinism (%s bundle)', async (_name, traced) => {
    expect(await replayErrors(await bundleWorkflows({ traced }), dir, files)).toEqual(noErrors(files));
  });

  it('of the analytics workflows (a bundle of their own) replay without non-determinism', async () => {
    expect(new Set(analyticsFiles.map((f) => f.replace(/-.*|\.json$/g, '')))).toEqual(
      new Set(['rollupAnalytics', 'backfillAnalytics']),
    );
    const bundle = await bundleWorkflowCode({ workflowsPath: analyticsWorkflowsPath, logger: quietBundler });
    expect(await replayErrors(bundle, analyticsDir, analyticsFiles)).toEqual(noErrors(analyticsFiles));
  });

  // What the image's workers run: the bundles `npm run build` made from the compiled code (setup keeps
  // dist/ current; a stale one is refused rather than replayed).
  it('replay against the prebuilt bundles of the compiled image', async () => {
    assertBuilt();
    const prebuilt = (name: string) => ({
      codePath: fileURLToPath(new URL(`../../dist/workflow-bundles/${name}.js`, import.meta.url)),
    });
    expect(await replayErrors(prebuilt('workflows'), dir, files)).toEqual(noErrors(files));
    expect(await replayErrors(prebuilt('workflows-traced'), dir, files)).toEqual(noErrors(files));
    expect(await replayErrors(prebuilt('analytics'), analyticsDir, analyticsFiles)).toEqual(noErrors(analyticsFiles));
  });
});
