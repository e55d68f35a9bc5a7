import { LRUCache } from 'lru-cache';
import semver from 'semver';
import { z } from 'zod';
import { DEFAULT_LAYOUT, Layout, SectionName } from './contract/common.js';
import { ComponentType } from './contract/widget.js';
import { DashboardCoreError, toJsonPointer, type CoreIssue } from './errors.js';

/**
 * The client capability matrix (config/capabilities.json) and the profiles it defines. A profile is
 * what the render needs to know about an app; its `key` is part of the cache key, so two app
 * versions with the same key must receive the same bytes.
 */
export const PLATFORMS = ['ios', 'android', 'web'] as const;
export type Platform = (typeof PLATFORMS)[number];

const Features = z.strictObject({
  customLayout: z.boolean(),
  advancedOrdering: z.boolean(),
  liveUpdates: z.boolean(),
});
export type ClientFeatures = z.infer<typeof Features>;

const Tier = z.strictObject({
  major: z.number().int().positive(),
  sections: z.array(SectionName),
  componentTypes: z.array(ComponentType),
  layouts: z.array(Layout).min(1),
  genericFallback: ComponentType.nullable(),
  features: Features,
});

const TierName = z.string().regex(/^v[0-9]+$/);
const RangeEntry = z.strictObject({
  range: z.string().refine((range) => semver.validRange(range) !== null, 'Not a semver range'),
  tier: TierName,
});

export const CapabilityMatrix = z
  .strictObject({
    $comment: z.string().optional(),
    conservative: TierName,
    tiers: z.record(TierName, Tier),
    platforms: z.strictObject({ ios: z.array(RangeEntry), android: z.array(RangeEntry), web: z.array(RangeEntry) }),
  })
  .superRefine((matrix, ctx) => {
    const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const tierNames = Object.keys(matrix.tiers);
    if (!tierNames.includes(matrix.conservative)) issue(['conservative'], `Unknown tier ${matrix.conservative}`);
    for (const [name, tier] of Object.entries(matrix.tiers)) {
      if (tier.genericFallback !== null && !tier.componentTypes.includes(tier.genericFallback)) {
        issue(['tiers', name, 'genericFallback'], 'The generic fallback must be a supported component type');
      }
      if (!tier.layouts.includes(DEFAULT_LAYOUT))
        issue(['tiers', name, 'layouts'], `Every app must support ${DEFAULT_LAYOUT}`);
      if (tier.features.customLayout !== tier.layouts.length > 1) {
        issue(
          ['tiers', name, 'features', 'customLayout'],
          'customLayout must be true exactly when more than one layout is listed',
        );
      }
    }
    for (const platform of PLATFORMS) {
      const entries = matrix.platforms[platform];
      entries.forEach((entry, index) => {
        if (!tierNames.includes(entry.tier))
          issue(['platforms', platform, index, 'tier'], `Unknown tier ${entry.tier}`);
        entries.slice(0, index).forEach((earlier) => {
          if (semver.intersects(earlier.range, entry.range)) {
            issue(['platforms', platform, index, 'range'], `${entry.range} overlaps ${earlier.range}`);
          }
        });
      });
    }
  });
export type CapabilityMatrix = z.infer<typeof CapabilityMatrix>;

export interface ClientProfile {
  /** Cache key part: `${platform}-${tier}` (e.g. "ios-v3"), or "conservative". */
  key: string;
  platform: Platform | 'unknown';
  major: number;
  sections: SectionName[];
  componentTypes: string[];
  layouts: Layout[];
  /** Component an unsupported widget without a usable fallback becomes; null = such widgets are dropped. */
  genericFallback: string | null;
  features: ClientFeatures;
}

export const CONSERVATIVE_PROFILE_KEY = 'conservative';

/** Throws: a broken matrix is a deployment error that must stop the process at start, not per request. */
export function parseCapabilityMatrix(input: unknown): CapabilityMatrix {
  const parsed = CapabilityMatrix.safeParse(input);
  if (!parsed.success) {
    const issues: CoreIssue[] = parsed.error.issues.map((issue) => ({
      code: 'CAPABILITIES_INVALID_MATRIX',
      path: toJsonPointer(issue.path),
      message: issue.message,
    }));
    throw new DashboardCoreError(
      'CAPABILITIES_INVALID_MATRIX',
      `Invalid capability matrix: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
      issues,
    );
  }
  return parsed.data;
}

type Tier = z.infer<typeof Tier>;
function profileOf(key: string, platform: Platform | 'unknown', tier: Tier): ClientProfile {
  return {
    key,
    platform,
    major: tier.major,
    sections: [...tier.sections],
    componentTypes: [...tier.componentTypes],
    layouts: [...tier.layouts],
    genericFallback: tier.genericFallback,
    features: { ...tier.features },
  };
}

/** Resolves app versions against one matrix; the deployed one is config/capability-matrix.ts's. */
export function createProfileResolver(matrix: CapabilityMatrix) {
  const tierOf = (name: string): Tier => {
    const tier = matrix.tiers[name];
    if (tier === undefined) throw new DashboardCoreError('CAPABILITIES_INVALID_MATRIX', `Unknown tier ${name}`);
    return tier;
  };
  const conservative = profileOf(CONSERVATIVE_PROFILE_KEY, 'unknown', tierOf(matrix.conservative));
  const resolved = new LRUCache<string, ClientProfile>({ max: 1_000 });
  const profiles = PLATFORMS.flatMap((platform) =>
    matrix.platforms[platform].map((entry) => ({
      range: entry.range,
      profile: profileOf(`${platform}-${entry.tier}`, platform, tierOf(entry.tier)),
    })),
  );

  return {
    /** Every profile the matrix can produce, conservative last: what caches and golden files cover. */
    allProfiles: (): ClientProfile[] => [...profiles.map((p) => copyProfile(p.profile)), copyProfile(conservative)],
    /** Never fails: anything unknown or unparseable gets the conservative profile. */
    resolve(platform: string | null | undefined, version: string | null | undefined): ClientProfile {
      // Every request resolves its headers, and apps send few distinct ones: semver's range matching is
      // done once per pair (bounded, since headers are untrusted).
      const pair = `${platform ?? ''}\u0000${version ?? ''}`;
      let match = resolved.get(pair);
      if (match === undefined) {
        const name = (platform ?? '').trim().toLowerCase();
        const parsed = parseAppVersion(version);
        match =
          parsed === null || !isPlatform(name)
            ? conservative
            : (profiles.find((p) => p.profile.platform === name && semver.satisfies(parsed, p.range))?.profile ??
              conservative);
        resolved.set(pair, match);
      }
      return copyProfile(match);
    },
  };
}

// Copies so a caller mutating its profile cannot change what the next request resolves to.
function copyProfile(profile: ClientProfile): ClientProfile {
  return {
    ...profile,
    sections: [...profile.sections],
    componentTypes: [...profile.componentTypes],
    layouts: [...profile.layouts],
    features: { ...profile.features },
  };
}

function isPlatform(name: string): name is Platform {
  return (PLATFORMS as readonly string[]).includes(name);
}

/** "3", "v3.2", "3.2.1 (build 77)" are all fine; headers are untrusted, so long strings are refused. */
function parseAppVersion(version: string | null | undefined): string | null {
  if (typeof version !== 'string' || version.length > 64) return null;
  const coerced = semver.coerce(version);
  return coerced === null ? null : semver.valid(coerced);
}
