import { readFileSync, readdirSync } from 'node:fs';
import { Worker, bundleWorkflowCode } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { analyticsWorkflowsPath } from '../../workers/analytics/create-analytics-worker.js';
import { bundleWorkflows } from '../../workers/create-worker.js';

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
    const results = [];
    for await (const result of Worker.runReplayHistories(
      { workflowBundle: await bundleWorkflows({ traced }) },
      historiesOf(dir, files),
    ))
      results.push(result);
    expect(results.map((r) => ({ file: r.workflowId, error: r.error ? String(r.error) : undefined }))).toEqual(
      files.map((file) => ({ file, error: undefined })),
    );
  });

  it('of the analytics workflows (a bundle of their own) replay without non-determinism', async () => {
    expect(new Set(analyticsFiles.map((f) => f.replace(/-.*|\.json$/g, '')))).toEqual(
      new Set(['rollupAnalytics', 'backfillAnalytics']),
    );
    const results = [];
    for await (const result of Worker.runReplayHistories(
      { workflowBundle: await bundleWorkflowCode({ workflowsPath: analyticsWorkflowsPath }) },
      historiesOf(analyticsDir, analyticsFiles),
    ))
      results.push(result);
    expect(results.map((r) => ({ file: r.workflowId, error: r.error ? String(r.error) : undefined }))).toEqual(
      analyticsFiles.map((file) => ({ file, error: undefined })),
    );
  });
});
