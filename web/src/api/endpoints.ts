import { ClientDashboard } from '../../../dashboard/contract/dashboard.js';
import { Preferences, type PreferencesPatch } from '../../../dashboard/contract/preferences.js';
import { dataOf, type ApiClient, type Fetched } from './client';
import {
  FailedRebuilds,
  HistoryPage,
  OfferInsights,
  PersonalisationInsights,
  RebuildInsights,
  RebuildResult,
  UsageInsights,
  UserWorkflows,
  type InsightsQuery,
} from './schemas';

/** Which app the dashboard is rendered for: the headers the capability matrix reads. */
export interface ClientProfile {
  readonly platform: string;
  readonly version: string;
}

export type DashboardResponse =
  | {
      readonly kind: 'fresh';
      readonly dashboard: ClientDashboard;
      readonly etag: string | null;
      readonly profile: string | null;
    }
  | { readonly kind: 'not-modified' };

/** A preference document and the version to send back in If-Match. */
export interface VersionedPreferences {
  readonly preferences: Preferences;
  readonly version: number;
}

/** ETag `"7"` → 7; the body's version when the header is missing or unreadable. */
function versionFrom(headers: Headers, preferences: Preferences): number {
  const match = /^\s*(?:W\/)?"?(\d+)"?\s*$/.exec(headers.get('ETag') ?? '');
  return match?.[1] === undefined ? preferences.version : Number(match[1]);
}

/** `from`, `to` and the platform when one is chosen; rebuilds ignore the platform, so it is never sent there. */
function insightsSearch(query: InsightsQuery, withPlatform: boolean): string {
  const search = new URLSearchParams({ from: query.from, to: query.to });
  if (withPlatform && query.platform !== undefined) search.set('platform', query.platform);
  return search.toString();
}

const profileHeaders = (profile: ClientProfile) => ({
  'X-Client-Platform': profile.platform,
  'X-Client-Version': profile.version,
});
const writeHeaders = (version: number, idempotencyKey: string) => ({
  'If-Match': `"${version}"`,
  'Idempotency-Key': idempotencyKey,
});

/** The API's endpoints as functions in the domain's words, each parsing its answer with the contract. */
export function createEndpoints(client: ApiClient) {
  async function dashboard(
    path: string,
    profile: ClientProfile,
    etag: string | null,
    quiet: boolean,
  ): Promise<DashboardResponse> {
    const fetched = await client.request(path, {
      schema: ClientDashboard,
      headers: { ...profileHeaders(profile), ...(etag === null ? {} : { 'If-None-Match': etag }) },
      quietWhenUnreachable: quiet,
    });
    if (fetched.kind === 'not-modified') return { kind: 'not-modified' };
    return {
      kind: 'fresh',
      dashboard: fetched.data,
      etag: fetched.headers.get('ETag'),
      profile: fetched.headers.get('X-Dashboard-Profile'),
    };
  }

  async function versioned(fetched: Promise<Fetched<Preferences>>): Promise<VersionedPreferences> {
    const response = await fetched;
    const preferences = dataOf(response);
    return { preferences, version: versionFrom(response.headers, preferences) };
  }

  return {
    /** The caller's own dashboard; with an ETag it may come back not modified. */
    ownDashboard: (profile: ClientProfile, etag: string | null = null, options: { quiet?: boolean } = {}) =>
      dashboard('/v1/dashboard', profile, etag, options.quiet ?? false),

    /** Any user's dashboard (admin tokens only). */
    userDashboard: (userId: string, profile: ClientProfile) =>
      dashboard(`/v1/users/${encodeURIComponent(userId)}/dashboard`, profile, null, false),

    preferences: () => versioned(client.request('/v1/preferences', { schema: Preferences })),

    /** One user action as a merge patch; 412 is the caller's to explain (a change on another device). */
    patchPreferences: (
      patch: PreferencesPatch,
      version: number,
      idempotencyKey: string,
      options: { quiet?: boolean } = {},
    ) =>
      versioned(
        client.request('/v1/preferences', {
          method: 'PATCH',
          schema: Preferences,
          body: patch,
          contentType: 'application/merge-patch+json',
          headers: writeHeaders(version, idempotencyKey),
          handles: [412],
          quietWhenUnreachable: options.quiet ?? false,
        }),
      ),

    restorePreferences: (
      restoreVersion: number,
      currentVersion: number,
      idempotencyKey: string,
      options: { quiet?: boolean } = {},
    ) =>
      versioned(
        client.request('/v1/preferences/restore', {
          method: 'POST',
          schema: Preferences,
          body: { version: restoreVersion },
          headers: writeHeaders(currentVersion, idempotencyKey),
          handles: [412],
          quietWhenUnreachable: options.quiet ?? false,
        }),
      ),

    history: async (cursor?: string) => {
      const query = new URLSearchParams({ limit: '20', ...(cursor === undefined ? {} : { cursor }) });
      return dataOf(await client.request(`/v1/preferences/history?${query.toString()}`, { schema: HistoryPage }));
    },

    userWorkflows: async (userId: string) =>
      dataOf(
        await client.request(`/v1/admin/users/${encodeURIComponent(userId)}/workflows?limit=20`, {
          schema: UserWorkflows,
        }),
      ),

    rebuild: async (userId: string, trigger: 'admin' | 'replay') =>
      dataOf(
        await client.request(`/v1/admin/users/${encodeURIComponent(userId)}/rebuild`, {
          method: 'POST',
          schema: RebuildResult,
          body: { trigger },
        }),
      ),

    failedRebuilds: async () =>
      dataOf(await client.request('/v1/admin/rebuilds/failed?since=1h', { schema: FailedRebuilds })),

    /** Daily roll-ups of the event stream (admin tokens only), one request per subject. */
    usageInsights: async (query: InsightsQuery) =>
      dataOf(await client.request(`/v1/insights/usage?${insightsSearch(query, true)}`, { schema: UsageInsights })),

    personalisationInsights: async (query: InsightsQuery) =>
      dataOf(
        await client.request(`/v1/insights/personalisation?${insightsSearch(query, true)}`, {
          schema: PersonalisationInsights,
        }),
      ),

    offerInsights: async (query: InsightsQuery) =>
      dataOf(await client.request(`/v1/insights/offers?${insightsSearch(query, true)}`, { schema: OfferInsights })),

    rebuildInsights: async (query: InsightsQuery) =>
      dataOf(
        await client.request(`/v1/insights/rebuilds?${insightsSearch(query, false)}`, { schema: RebuildInsights }),
      ),
  };
}

export type Endpoints = ReturnType<typeof createEndpoints>;
