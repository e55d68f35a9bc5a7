// Contract tests for shipped apps: what every (platform, major version) of the capability matrix
// receives for the same rich dashboard. A diff here changes what an app in the field sees, so it must
// be deliberate: review it, then rewrite the files with UPDATE_GOLDEN=1.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canonicalJson, composeDashboard, renderForClient } from '../../dashboard/index.js';
import { allClientProfiles } from '../../config/capability-matrix.js';
import { NOW, richPreferences, richSources } from './fixtures.js';

const goldenDir = new URL('./golden/', import.meta.url);
const update = process.env['UPDATE_GOLDEN'] === '1';
const canonical = composeDashboard(richSources, richPreferences(), NOW, { version: 1 });

const goldens: [file: string, value: unknown][] = [
  ['canonical.json', canonical],
  // Profile keys are "{platform}-v{major}" and "conservative": one file per shipped app generation.
  ...allClientProfiles().map((profile): [string, unknown] => [
    `${profile.key}.json`,
    renderForClient(canonical, profile),
  ]),
];

describe('golden files', () => {
  it.each(goldens)('%s', (file, value) => {
    const url = new URL(file, goldenDir);
    const text = canonicalJson(value, 2) + '\n';
    if (update) writeFileSync(url, text);
    expect(existsSync(url), `${file} is missing: run the tests with UPDATE_GOLDEN=1 and review it`).toBe(true);
    expect(text).toBe(readFileSync(url, 'utf8'));
  });

  it('has no golden file for a profile the matrix no longer defines', () => {
    const expected = goldens.map(([file]) => file).sort();
    expect(
      readdirSync(goldenDir)
        .filter((f) => f.endsWith('.json'))
        .sort(),
    ).toEqual(expected);
  });
});
