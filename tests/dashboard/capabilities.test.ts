import { describe, expect, it } from 'vitest';
import matrix from '../../config/capabilities.json' with { type: 'json' };
import {
  CONSERVATIVE_PROFILE_KEY,
  DashboardCoreError,
  createProfileResolver,
  parseCapabilityMatrix,
} from '../../dashboard/index.js';
import { allClientProfiles, resolveClientProfile } from '../../config/capability-matrix.js';

describe('resolveClientProfile', () => {
  it.each([
    ['ios', '1.0.0', 'ios-v1'],
    ['iOS', '1.12.4', 'ios-v1'],
    ['android', '2.3', 'android-v2'],
    ['web', 'v3.0.1', 'web-v3'],
    ['web', '3.9.9', 'web-v3'],
    ['web', '7.0.0', 'web-v4'],
    ['ios', '4.0.0-beta.1', 'ios-v4'],
    ['android', '9.1.0 (build 77)', 'android-v4'],
  ])('%s %s -> %s', (platform, version, key) => {
    expect(resolveClientProfile(platform, version).key).toBe(key);
  });

  it.each([
    ['windows-phone', '3.0.0'],
    ['ios', 'banana'],
    ['ios', ''],
    ['ios', undefined],
    [undefined, '3.0.0'],
    ['ios', '0.9.0'],
    ['ios', '3'.repeat(100)],
  ])('gives the conservative profile to %s %s', (platform, version) => {
    const profile = resolveClientProfile(platform, version);
    expect(profile.key).toBe(CONSERVATIVE_PROFILE_KEY);
    expect(profile).toMatchObject({
      platform: 'unknown',
      major: 1,
      sections: ['accounts', 'partners'],
      layouts: ['list'],
      features: { customLayout: false, advancedOrdering: false, liveUpdates: false },
    });
  });

  it('follows the product brief: v1 accounts+partners, v2 widgets, v3 custom layouts and ordering', () => {
    for (const platform of ['ios', 'android', 'web']) {
      expect(resolveClientProfile(platform, '1.0.0').sections).toEqual(['accounts', 'partners']);
      expect(resolveClientProfile(platform, '2.0.0').sections).toContain('widgets');
      expect(resolveClientProfile(platform, '2.0.0').features.advancedOrdering).toBe(false);
      expect(resolveClientProfile(platform, '3.0.0').features).toMatchObject({
        customLayout: true,
        advancedOrdering: true,
      });
    }
  });

  it('hands out copies: a caller mutating its profile changes nothing for the next one', () => {
    resolveClientProfile('ios', '3.0.0').componentTypes.push('Hologram');
    expect(resolveClientProfile('ios', '3.0.0').componentTypes).not.toContain('Hologram');
  });

  it('lists every profile of the matrix once, conservative last', () => {
    const keys = allClientProfiles().map((p) => p.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.at(-1)).toBe(CONSERVATIVE_PROFILE_KEY);
    expect(keys).toContain('web-v3');
  });
});

describe('parseCapabilityMatrix: CAPABILITIES_INVALID_MATRIX', () => {
  const broken = (change: (m: typeof matrix) => unknown) => () =>
    parseCapabilityMatrix(change(structuredClone(matrix)));

  it.each([
    [
      'an overlapping range',
      (m: typeof matrix) => ({
        ...m,
        platforms: { ...m.platforms, web: [...m.platforms.web, { range: '>=2.5.0', tier: 'v2' }] },
      }),
    ],
    [
      'an unknown tier',
      (m: typeof matrix) => ({ ...m, platforms: { ...m.platforms, ios: [{ range: '>=1.0.0', tier: 'v9' }] } }),
    ],
    ['an unknown conservative tier', (m: typeof matrix) => ({ ...m, conservative: 'v0' })],
    [
      'a generic fallback the tier cannot render',
      (m: typeof matrix) => ({ ...m, tiers: { ...m.tiers, v2: { ...m.tiers.v2, genericFallback: 'ProductGrid' } } }),
    ],
    [
      'a tier without the list layout',
      (m: typeof matrix) => ({ ...m, tiers: { ...m.tiers, v1: { ...m.tiers.v1, layouts: ['grid'] } } }),
    ],
    [
      'custom layouts without layouts to choose',
      (m: typeof matrix) => ({ ...m, tiers: { ...m.tiers, v3: { ...m.tiers.v3, layouts: ['list'] } } }),
    ],
    [
      'a range that is not semver',
      (m: typeof matrix) => ({ ...m, platforms: { ...m.platforms, ios: [{ range: 'newest', tier: 'v1' }] } }),
    ],
  ])('rejects %s', (_name, change) => {
    expect(broken(change)).toThrowError(expect.objectContaining({ code: 'CAPABILITIES_INVALID_MATRIX' }));
  });

  it('reports where the matrix is wrong', () => {
    try {
      parseCapabilityMatrix({ ...matrix, conservative: 'v0' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DashboardCoreError);
      expect((error as DashboardCoreError).issues).toEqual([expect.objectContaining({ path: '/conservative' })]);
    }
  });

  it('resolves against another matrix, e.g. one that ships a new tier', () => {
    const next = parseCapabilityMatrix(structuredClone(matrix));
    next.tiers['v5'] = { ...structuredClone(next.tiers['v4']!), major: 5 };
    next.platforms.ios.splice(3, 1, { range: '>=4.0.0 <5.0.0', tier: 'v4' }, { range: '>=5.0.0', tier: 'v5' });
    const resolver = createProfileResolver(parseCapabilityMatrix(next));
    expect(resolver.resolve('ios', '5.1.0').key).toBe('ios-v5');
    expect(resolver.resolve('ios', '4.9.9').key).toBe('ios-v4');
  });
});
