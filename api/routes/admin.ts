import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { AdminRebuildResult, FailedRebuilds, Id, UserWorkflows } from '../../dashboard/index.js';
import { LOOKBACK, lookbackStart, userWorkflowsQuery } from '../../adapters/temporal/workflow-inspection.js';
import type { ApiDeps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { adminOnly } from '../middleware/admin-only.js';
import { jsonBody } from '../middleware/body.js';
import { ApiError } from '../problem.js';
import { bearer, problems } from '../schemas.js';
import { withTimeout } from '../with-timeout.js';

/** Visibility answers within this; an operator's page must not hang on a busy Temporal. */
const INSPECTION_TIMEOUT_MS = 5_000;
/** An operator's rebuild waits for the build itself: four fetches, a write, a publish. */
const REBUILD_TIMEOUT_MS = 15_000;
/** Failed runs listed at most; each one costs a read of its result for the reason. */
const FAILED_LIMIT = 50;

const adminResponses = {
  401: problems[401],
  403: { ...problems[403], description: 'The token has no admin role (FORBIDDEN)' },
  429: problems[429],
  503: problems[503],
};

const userWorkflows = createRoute({
  method: 'get',
  path: '/v1/admin/users/{userId}/workflows',
  tags: ['admin'],
  summary:
    'The newest workflows that touched a user (their rebuilds, preference changes and the batches that named them), with links into the Temporal UI',
  security: bearer,
  request: {
    params: z.object({ userId: Id }),
    query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }),
  },
  responses: {
    200: {
      description: 'Newest first',
      content: {
        'application/json': {
          schema: UserWorkflows.meta({ id: 'UserWorkflows' }),
        },
      },
    },
    422: problems[422],
    ...adminResponses,
  },
});

const rebuildUser = createRoute({
  method: 'post',
  path: '/v1/admin/users/{userId}/rebuild',
  tags: ['admin'],
  summary: "Rebuild a user's dashboard now and wait for it (trigger admin, or replay for a failed rebuild)",
  security: bearer,
  middleware: [jsonBody({ types: ['application/json'] })] as const,
  request: {
    params: z.object({ userId: Id }),
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.strictObject({ trigger: z.enum(['admin', 'replay']) }).meta({ id: 'AdminRebuildRequest' }),
        },
      },
    },
  },
  responses: {
    200: {
      description: 'The dashboard was rebuilt (written, cached and announced)',
      content: {
        'application/json': {
          schema: AdminRebuildResult.meta({ id: 'AdminRebuildResult' }),
        },
      },
    },
    400: problems[400],
    415: problems[415],
    422: problems[422],
    ...adminResponses,
  },
});

const failedRebuilds = createRoute({
  method: 'get',
  path: '/v1/admin/rebuilds/failed',
  tags: ['admin'],
  summary: `Rebuilds that failed or timed out recently, with the reason (at most ${FAILED_LIMIT}); replay one with POST /v1/admin/users/{userId}/rebuild`,
  security: bearer,
  request: {
    query: z.object({
      since: z
        .string()

        .regex(LOOKBACK)
        .default('1h')
        .meta({ description: 'How far back: 30m, 1h, 2d' }),
    }),
  },
  responses: {
    200: {
      description: 'Newest first',
      content: {
        'application/json': {
          schema: FailedRebuilds.meta({ id: 'FailedRebuilds' }),
        },
      },
    },
    422: problems[422],
    ...adminResponses,
  },
});

/**
 * What the web ops console needs from the platform, documented and admin-only: a user's workflows,
 * a rebuild (or replay) now, and the failed rebuilds. The console never reaches around the API.
 */
export function adminRoutes(deps: Pick<ApiDeps, 'config' | 'inspection' | 'workflows'>) {
  const app = new OpenAPIHono<AppEnv>();
  const namespaceUrl = `${deps.config.TEMPORAL_UI_URL.replace(/\/$/, '')}/namespaces/${encodeURIComponent(deps.config.TEMPORAL_NAMESPACE)}`;
  const runUrl = (workflowId: string, runId: string) =>
    `${namespaceUrl}/workflows/${encodeURIComponent(workflowId)}/${encodeURIComponent(runId)}/history`;
  /** A read of Temporal's visibility, bounded; past the deadline or failing, a 503 naming what it was. */
  const fromVisibility = <T>(c: Context<AppEnv>, read: Promise<T>, what: string): Promise<T> =>
    withTimeout(read, INSPECTION_TIMEOUT_MS, 'workflow visibility').catch((error: unknown) => {
      c.get('logger').warn({ err: error }, `${what} unavailable`);
      throw new ApiError(503, 'TEMPORAL_UNAVAILABLE', {
        detail: `${what} could not be read from Temporal right now`,
        headers: { 'Retry-After': '5' },
      });
    });

  app.use('/v1/admin/*', adminOnly);

  app.openapi(userWorkflows, async (c) => {
    const { userId } = c.req.valid('param');
    const { limit } = c.req.valid('query');
    const runs = await fromVisibility(c, deps.inspection.userWorkflows(userId, limit), "The user's workflows");
    return c.json(
      {
        userId,
        temporalUiUrl: `${namespaceUrl}/workflows?query=${encodeURIComponent(userWorkflowsQuery(userId))}`,
        workflows: runs.map((run) => ({ ...run, temporalUiUrl: runUrl(run.workflowId, run.runId) })),
      },
      200,
    );
  });

  app.openapi(rebuildUser, async (c) => {
    const { userId } = c.req.valid('param');
    const { trigger } = c.req.valid('json');
    try {
      const view = await withTimeout(
        deps.workflows.rebuildNow(userId, trigger, REBUILD_TIMEOUT_MS),
        REBUILD_TIMEOUT_MS,
        'rebuild',
      );
      return c.json({ userId, version: view.version, builtAt: view.builtAt }, 200);
    } catch (error) {
      c.get('logger').warn({ err: error, userId }, 'admin rebuild did not finish');
      throw new ApiError(503, 'REBUILD_UNAVAILABLE', {
        detail: `The rebuild did not finish: ${error instanceof Error ? error.message : String(error)}`,
        headers: { 'Retry-After': '5' },
      });
    }
  });

  app.openapi(failedRebuilds, async (c) => {
    const { since } = c.req.valid('query');
    // The query schema let only a LOOKBACK through.
    const from = lookbackStart(since, Date.now()) ?? new Date();
    const failed = await fromVisibility(c, deps.inspection.failedRebuilds(from, FAILED_LIMIT), 'Failed rebuilds');
    return c.json(
      {
        since: from.toISOString(),
        failed: failed.map((run) => ({ ...run, temporalUiUrl: runUrl(run.workflowId, run.runId) })),
      },
      200,
    );
  });

  return app;
}
