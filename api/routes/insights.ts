import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import {
  INSIGHTS_MAX_DAYS,
  InsightsQueryParams,
  insightsRangeProblem,
  type InsightsQuery,
  OfferInsights,
  PersonalisationInsights,
  RebuildInsights,
  UsageInsights,
} from '../../dashboard/index.js';
import type { ApiDeps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { adminOnly } from '../middleware/admin-only.js';
import { ApiError } from '../problem.js';
import { bearer, problems } from '../schemas.js';
import { withTimeout } from '../with-timeout.js';

/** Summaries answer in milliseconds; past this the analytics store is in trouble and the page says so. */
const INSIGHTS_TIMEOUT_MS = 5_000;

const subjects = {
  usage: {
    schema: UsageInsights,
    summary: 'Dashboard opens and distinct users per day, latency and 304s by source, opens per app version',
  },
  personalisation: {
    schema: PersonalisationInsights,
    summary:
      'Preference changes by what they set: sort modes, custom order per app version, layouts, top hidden and pinned items',
  },
  offers: { schema: OfferInsights, summary: 'Offers shown on dashboards (distinct users per day, summed) and bought' },
  rebuilds: {
    schema: RebuildInsights,
    summary: 'Rebuilds per day and trigger with the write-to-dashboard lag (the platform filter does not apply)',
  },
} as const;
type Subject = keyof typeof subjects;

const route = (subject: Subject) =>
  createRoute({
    method: 'get',
    path: `/v1/insights/${subject}`,
    tags: ['insights'],
    summary: subjects[subject].summary,
    description: `For admin tokens. Daily figures (UTC) from the analytics store's summaries, rolled up hourly from the event stream; at most ${INSIGHTS_MAX_DAYS} days per request.`,
    security: bearer,
    request: { query: InsightsQueryParams },
    responses: {
      200: {
        description: 'The figures of the range',
        content: {
          'application/json': {
            schema: subjects[subject].schema.meta({ id: `${subject[0]?.toUpperCase()}${subject.slice(1)}Insights` }),
          },
        },
      },
      400: { ...problems[400], description: 'The range is reversed or too long (INVALID_RANGE)' },
      401: problems[401],
      403: { ...problems[403], description: 'The token has no admin role (FORBIDDEN)' },
      422: problems[422],
      429: problems[429],
      503: problems[503],
    },
  });

/** What product teams ask of the platform, answered from summaries (never a scan of raw events). */
export function insightsRoutes(deps: Pick<ApiDeps, 'insights'>) {
  const app = new OpenAPIHono<AppEnv>();
  app.use('/v1/insights/*', adminOnly);

  const answer = async <T>(read: () => Promise<T>, logger: AppEnv['Variables']['logger']): Promise<T> =>
    withTimeout(read(), INSIGHTS_TIMEOUT_MS, 'analytics store').catch((error: unknown) => {
      logger.warn({ err: error }, 'insights unavailable');
      throw new ApiError(503, 'INSIGHTS_UNAVAILABLE', {
        detail: 'The analytics store cannot be reached right now',
        headers: { 'Retry-After': '10' },
      });
    });

  /** The range rule spans two parameters, which OpenAPI cannot say: checked here, a 400 of its own. */
  const rangeOf = (query: InsightsQuery): InsightsQuery => {
    const problem = insightsRangeProblem(query);
    if (problem !== undefined) throw new ApiError(400, 'INVALID_RANGE', { detail: problem });
    return query;
  };

  app.openapi(route('usage'), async (c) => {
    const query = rangeOf(c.req.valid('query'));
    return c.json(await answer(() => deps.insights.usage(query), c.get('logger')), 200);
  });
  app.openapi(route('personalisation'), async (c) => {
    const query = rangeOf(c.req.valid('query'));
    return c.json(await answer(() => deps.insights.personalisation(query), c.get('logger')), 200);
  });
  app.openapi(route('offers'), async (c) => {
    const query = rangeOf(c.req.valid('query'));
    return c.json(await answer(() => deps.insights.offers(query), c.get('logger')), 200);
  });
  app.openapi(route('rebuilds'), async (c) => {
    const query = rangeOf(c.req.valid('query'));
    return c.json(await answer(() => deps.insights.rebuilds(query), c.get('logger')), 200);
  });
  return app;
}
