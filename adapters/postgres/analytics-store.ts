import type pg from 'pg';
import { z } from 'zod';
import {
  OfferInsights,
  PersonalisationInsights,
  RebuildInsights,
  UsageInsights,
  type InsightsQuery,
} from '../../dashboard/index.js';
import { inTransaction } from './client.js';

/** One consumed event as the analytics store keeps it. */
export interface RawEvent {
  readonly eventId: string;
  readonly type: string;
  readonly userId: string;
  /** ISO timestamp with offset; its UTC day is the day the event counts for. */
  readonly occurredAt: string;
  readonly data: unknown;
}

export interface RollupResult {
  readonly day: string;
  readonly rawEvents: number;
}

export interface AnalyticsStore {
  /** Stores events once per id; returns how many were new (a redelivered event is not). */
  insertEvents(events: readonly RawEvent[]): Promise<number>;
  /**
   * Recomputes the day's summaries from its raw events, replacing what was there: re-running a day
   * gives the same rows. `complete` marks a day that has ended, whose raw events may then expire.
   */
  rollupDay(day: string, complete: boolean): Promise<RollupResult>;
  /** Deletes raw events of completely rolled-up days before `day`; returns how many. */
  expireRawEvents(before: string): Promise<number>;
  /** Deletes a user's raw events (erasure); summaries hold counts, never a user. Returns how many. */
  eraseUser(userId: string): Promise<number>;
  /** When the range's summaries last changed: a cached answer older than this is out of date. */
  summariesChangedAt(query: Pick<InsightsQuery, 'from' | 'to'>): Promise<string>;
  usage(query: InsightsQuery): Promise<UsageInsights>;
  personalisation(query: InsightsQuery): Promise<PersonalisationInsights>;
  offers(query: InsightsQuery): Promise<OfferInsights>;
  rebuilds(query: InsightsQuery): Promise<RebuildInsights>;
}

/** The latest platform and app version each user opened the dashboard with on the day ($1). */
const VIEWERS = `
  SELECT DISTINCT ON (user_id) user_id, data->>'platform' AS platform, data->>'appVersion' AS app_version
  FROM raw_events WHERE day = $1 AND type = 'DashboardViewed'
  ORDER BY user_id, occurred_at DESC`;

/** Each statement replaces one summary table's rows of the day ($1) from its raw events. */
const ROLLUP_STATEMENTS = [
  `INSERT INTO usage_daily (day, platform, app_version, opens, distinct_users)
   SELECT $1, coalesce(data->>'platform', '*'), coalesce(data->>'appVersion', '*'), count(*), count(DISTINCT user_id)
   FROM raw_events WHERE day = $1 AND type = 'DashboardViewed'
   GROUP BY GROUPING SETS ((data->>'platform', data->>'appVersion'), (data->>'platform'), ())
   HAVING count(*) > 0`,

  `INSERT INTO usage_source_daily (day, platform, source, opens, etag_hits, p50_ms, p95_ms, p99_ms)
   SELECT $1, coalesce(data->>'platform', '*'), data->>'source', count(*),
     count(*) FILTER (WHERE (data->>'etagHit')::boolean),
     percentile_cont(0.5) WITHIN GROUP (ORDER BY (data->>'latencyMs')::float8),
     percentile_cont(0.95) WITHIN GROUP (ORDER BY (data->>'latencyMs')::float8),
     percentile_cont(0.99) WITHIN GROUP (ORDER BY (data->>'latencyMs')::float8)
   FROM raw_events WHERE day = $1 AND type = 'DashboardViewed'
   GROUP BY GROUPING SETS ((data->>'platform', data->>'source'), (data->>'source'))`,

  `WITH viewers AS (${VIEWERS}),
   -- Each user who changed their preferences on the day, once, with the document they ended the day with.
   personalised AS (
     SELECT DISTINCT ON (r.user_id)
       coalesce(v.platform, 'unknown') AS platform, coalesce(v.app_version, 'unknown') AS app_version,
       r.data->'preferences' AS doc
     FROM raw_events r LEFT JOIN viewers v USING (user_id)
     WHERE r.day = $1 AND r.type = 'PreferencesChanged' AND r.data ? 'preferences'
     ORDER BY r.user_id, r.occurred_at DESC, r.event_id
   ),
   facts AS (
     SELECT platform, app_version, s.key AS section, 'sort' AS kind, s.value->>'sort' AS value
       FROM personalised, jsonb_each(doc->'sections') s
     UNION ALL
     SELECT platform, app_version, s.key, 'custom_order', ''
       FROM personalised, jsonb_each(doc->'sections') s
       WHERE s.value->>'sort' = 'custom' AND jsonb_array_length(s.value->'order') > 0
     UNION ALL
     SELECT platform, app_version, '', 'layout', doc->>'layout' FROM personalised
     UNION ALL
     SELECT platform, app_version, s.key, 'hidden', item
       FROM personalised, jsonb_each(doc->'sections') s, jsonb_array_elements_text(s.value->'hidden') item
     UNION ALL
     SELECT platform, app_version, s.key, 'pinned', item
       FROM personalised, jsonb_each(doc->'sections') s, jsonb_array_elements_text(s.value->'pinned') item
   )
   INSERT INTO personalisation_daily (day, platform, app_version, section, kind, value, users)
   SELECT $1, platform, app_version, section, kind, value, count(*) FROM facts
   GROUP BY platform, app_version, section, kind, value`,

  `WITH viewers AS (${VIEWERS}),
   shown AS (
     SELECT data->>'platform' AS platform, offer_id, count(DISTINCT user_id) AS users
     FROM raw_events, jsonb_array_elements_text(data->'offerIds') offer_id
     WHERE day = $1 AND type = 'DashboardViewed'
     GROUP BY 1, 2
   ),
   bought AS (
     SELECT coalesce(v.platform, 'unknown') AS platform, r.data->>'offerId' AS offer_id, count(*) AS purchases
     FROM raw_events r LEFT JOIN viewers v USING (user_id)
     WHERE r.day = $1 AND r.type = 'ContractPurchased'
     GROUP BY 1, 2
   )
   INSERT INTO offer_daily (day, platform, offer_id, shown_users, purchases)
   SELECT $1, coalesce(s.platform, b.platform), coalesce(s.offer_id, b.offer_id), coalesce(s.users, 0), coalesce(b.purchases, 0)
   FROM shown s FULL JOIN bought b ON s.platform = b.platform AND s.offer_id = b.offer_id`,

  `INSERT INTO rebuild_daily (day, trigger, rebuilds, failures, lag_p50_ms, lag_p95_ms)
   SELECT $1, data->>'trigger', count(*) FILTER (WHERE type = 'DashboardUpdated'),
     count(*) FILTER (WHERE type = 'DashboardRebuildFailed'),
     percentile_cont(0.5) WITHIN GROUP (ORDER BY (data->>'lagMs')::float8),
     percentile_cont(0.95) WITHIN GROUP (ORDER BY (data->>'lagMs')::float8)
   FROM raw_events WHERE day = $1 AND type IN ('DashboardUpdated', 'DashboardRebuildFailed')
   GROUP BY data->>'trigger'`,
];

const SUMMARY_TABLES = ['usage_daily', 'usage_source_daily', 'personalisation_daily', 'offer_daily', 'rebuild_daily'];

/** Rows read back are parsed like any input: the answer schemas of the contract, numbers as numbers. */
const Count = z.object({ n: z.coerce.number().int() });

export function createAnalyticsStore(pool: pg.Pool): AnalyticsStore {
  /** Rows of one summary query: $1 and $2 are the range, $3 the platform where the query has one. */
  const rows = async (sql: string, query: InsightsQuery, platform?: string | null): Promise<unknown[]> =>
    (await pool.query(sql, platform === undefined ? [query.from, query.to] : [query.from, query.to, platform])).rows;

  return {
    async insertEvents(events) {
      if (events.length === 0) return 0;
      // One statement per batch: the events travel as one JSON parameter and are unpacked by the server.
      const result = await pool.query(
        `INSERT INTO raw_events (event_id, type, user_id, occurred_at, day, data)
         SELECT e.event_id, e.type, e.user_id, e.occurred_at, (e.occurred_at AT TIME ZONE 'UTC')::date, e.data
         FROM jsonb_to_recordset($1::jsonb) AS e(event_id text, type text, user_id text, occurred_at timestamptz, data jsonb)
         ON CONFLICT (event_id) DO NOTHING`,
        [
          JSON.stringify(
            events.map((e) => ({
              event_id: e.eventId,
              type: e.type,
              user_id: e.userId,
              occurred_at: e.occurredAt,
              data: e.data,
            })),
          ),
        ],
      );
      return result.rowCount ?? 0;
    },

    async rollupDay(day, complete) {
      return inTransaction(pool, async (client) => {
        // One rollup of a day at a time; a second waits for the first and then recomputes the same rows.
        await client.query(`SELECT pg_advisory_xact_lock(hashtext('rollup:' || $1))`, [day]);
        for (const table of SUMMARY_TABLES) await client.query(`DELETE FROM ${table} WHERE day = $1`, [day]);
        for (const statement of ROLLUP_STATEMENTS) await client.query(statement, [day]);
        const { n } = Count.parse(
          (await client.query('SELECT count(*) AS n FROM raw_events WHERE day = $1', [day])).rows[0],
        );
        await client.query(
          `INSERT INTO rollups (day, raw_events, complete, rolled_up_at) VALUES ($1, $2, $3, now())
           ON CONFLICT (day) DO UPDATE SET raw_events = $2, complete = rollups.complete OR $3, rolled_up_at = now()`,
          [day, n, complete],
        );
        return { day, rawEvents: n };
      });
    },

    async expireRawEvents(before) {
      const result = await pool.query(
        `DELETE FROM raw_events WHERE day < $1 AND day IN (SELECT day FROM rollups WHERE complete AND day < $1)`,
        [before],
      );
      return result.rowCount ?? 0;
    },

    async eraseUser(userId) {
      return (await pool.query('DELETE FROM raw_events WHERE user_id = $1', [userId])).rowCount ?? 0;
    },

    async summariesChangedAt(query) {
      const { rows: found } = await pool.query<{ at: string | null }>(
        `SELECT max(rolled_up_at)::text AS at FROM rollups WHERE day BETWEEN $1 AND $2`,
        [query.from, query.to],
      );
      return found[0]?.at ?? 'never';
    },

    async usage(query) {
      const platform = query.platform ?? '*';
      const [days, sources, versions] = await Promise.all([
        rows(
          `SELECT to_char(day, 'YYYY-MM-DD') AS day, opens::int AS "opens", distinct_users::int AS "distinctUsers"
           FROM usage_daily WHERE day BETWEEN $1 AND $2 AND platform = $3 AND app_version = '*' ORDER BY day`,
          query,
          platform,
        ),
        rows(
          `SELECT to_char(day, 'YYYY-MM-DD') AS day, source, opens::int AS "opens", etag_hits::int AS "etagHits",
             p50_ms AS "p50Ms", p95_ms AS "p95Ms", p99_ms AS "p99Ms"
           FROM usage_source_daily WHERE day BETWEEN $1 AND $2 AND platform = $3 ORDER BY day, source`,
          query,
          platform,
        ),
        // Daily distinct users summed over the range: a person who opens on three days counts three times.
        rows(
          `SELECT platform, app_version AS "appVersion", sum(opens)::int AS "opens", sum(distinct_users)::int AS "distinctUsers"
           FROM usage_daily WHERE day BETWEEN $1 AND $2 AND platform <> '*' AND app_version <> '*'
             AND ($3 = '*' OR platform = $3)
           GROUP BY platform, app_version ORDER BY 3 DESC, 1, 2`,
          query,
          platform,
        ),
      ]);
      return UsageInsights.parse({ days, sources, versions });
    },

    async personalisation(query) {
      const platform = query.platform ?? null;
      const facts = (kind: string, limit = 1000) =>
        rows(
          `SELECT section, value, sum(users)::int AS "users" FROM personalisation_daily
           WHERE day BETWEEN $1 AND $2 AND ($3::text IS NULL OR platform = $3) AND kind = '${kind}'
           GROUP BY section, value ORDER BY 3 DESC, 1, 2 LIMIT ${limit}`,
          query,
          platform,
        );
      const [total, sorts, customOrder, layouts, hidden, pinned] = await Promise.all([
        // Every user's preferences have exactly one layout, so the layout facts count the users.
        rows(
          `SELECT coalesce(sum(users), 0)::int AS n FROM personalisation_daily
           WHERE day BETWEEN $1 AND $2 AND ($3::text IS NULL OR platform = $3) AND kind = 'layout'`,
          query,
          platform,
        ),
        facts('sort'),
        rows(
          `SELECT section, platform, app_version AS "appVersion", sum(users)::int AS "users"
           FROM personalisation_daily
           WHERE day BETWEEN $1 AND $2 AND ($3::text IS NULL OR platform = $3) AND kind = 'custom_order'
           GROUP BY section, platform, app_version ORDER BY 4 DESC, 1, 2, 3`,
          query,
          platform,
        ),
        facts('layout'),
        facts('hidden', 10),
        facts('pinned', 10),
      ]);
      const named = (list: unknown[]) =>
        z.array(z.object({ section: z.string(), value: z.string(), users: z.number() })).parse(list);
      return PersonalisationInsights.parse({
        users: Count.parse(total[0]).n,
        sorts: named(sorts).map(({ section, value, users }) => ({ section, sort: value, users })),
        customOrder,
        layouts: named(layouts).map(({ value, users }) => ({ layout: value, users })),
        topHidden: named(hidden).map(({ section, value, users }) => ({ section, itemId: value, users })),
        topPinned: named(pinned).map(({ section, value, users }) => ({ section, itemId: value, users })),
      });
    },

    async offers(query) {
      const offers = await rows(
        `SELECT offer_id AS "offerId", sum(shown_users)::int AS "shownUsers", sum(purchases)::int AS "purchases",
           CASE WHEN sum(shown_users) = 0 THEN 0 ELSE sum(purchases)::float8 / sum(shown_users) END AS "conversion"
         FROM offer_daily WHERE day BETWEEN $1 AND $2 AND ($3::text IS NULL OR platform = $3)
         GROUP BY offer_id ORDER BY 2 DESC, 1`,
        query,
        query.platform ?? null,
      );
      return OfferInsights.parse({ offers });
    },

    async rebuilds(query) {
      // DashboardUpdated does not know the app: the platform filter does not apply here.
      const days = await rows(
        `SELECT to_char(day, 'YYYY-MM-DD') AS day, trigger, rebuilds::int AS "rebuilds", failures::int AS "failures",
           lag_p50_ms AS "lagP50Ms", lag_p95_ms AS "lagP95Ms"
         FROM rebuild_daily WHERE day BETWEEN $1 AND $2 ORDER BY day, trigger`,
        query,
      );
      return RebuildInsights.parse({ days });
    },
  };
}
