import { randomUUID } from 'node:crypto';
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import {
  Preferences,
  PreferencesInput,
  PreferencesPatch,
  parsePreferencesInput,
  parsePreferencesPatch,
} from '../../dashboard/index.js';
import type { PreferenceChange } from '../../contract/workflows.js';
import { InvalidCursorError } from '../../adapters/cassandra/preference-store.js';
import {
  IdempotencyKeyReusedError,
  PreferenceChangeRefusedError,
} from '../../adapters/temporal/dashboard-workflows.js';
import type { ApiDeps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { jsonBody, validationFailed } from '../middleware/body.js';
import { ApiError } from '../problem.js';
import { bearer, problems } from '../schemas.js';
import { withTimeout } from '../with-timeout.js';

/**
 * A write runs a workflow (compare-and-set, audit row, event); past this the client retries with the same
 * Idempotency-Key.
 */
const WRITE_TIMEOUT_MS = 10_000;
const READ_TIMEOUT_MS = 2_000;
const RETRY_AFTER_SECONDS = '2';

const PreferencesDoc = Preferences.meta({ id: 'Preferences' });
const etagHeader = {
  ETag: { schema: { type: 'string' as const }, description: 'The version, quoted: send it back in If-Match' },
};

const WriteHeaders = z.object({
  'if-match': z
    .string()
    .optional()
    .meta({ description: 'Required: the version the change applies to, e.g. "3" (a missing one is 428)' }),
  'idempotency-key': z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9._:-]+$/)
    .optional()
    .meta({ description: 'A retry with the same key returns the first result instead of applying the change again' }),
});

const writeResponses = {
  200: {
    description: 'The document after the change',
    headers: etagHeader,
    content: { 'application/json': { schema: PreferencesDoc } },
  },
  400: problems[400],
  401: problems[401],
  412: problems[412],
  413: problems[413],
  415: problems[415],
  422: problems[422],
  428: problems[428],
  429: problems[429],
  503: problems[503],
};

const getPreferences = createRoute({
  method: 'get',
  path: '/v1/preferences',
  tags: ['preferences'],
  summary: "The caller's preferences (defaults with version 0 if never changed)",
  security: bearer,
  responses: {
    200: {
      description: 'The current document',
      headers: etagHeader,
      content: { 'application/json': { schema: PreferencesDoc } },
    },
    401: problems[401],
    429: problems[429],
    503: problems[503],
  },
});

const jsonOnly = ['application/json'];
const mergePatchTypes = ['application/merge-patch+json', 'application/json'];

const putPreferences = createRoute({
  method: 'put',
  path: '/v1/preferences',
  tags: ['preferences'],
  summary: 'Replace the whole editable document',
  security: bearer,
  middleware: [jsonBody({ types: jsonOnly, check: parsePreferencesInput })] as const,
  request: {
    headers: WriteHeaders,
    body: {
      required: true,
      content: { 'application/json': { schema: PreferencesInput.meta({ id: 'PreferencesInput' }) } },
    },
  },
  responses: writeResponses,
});

const patchSchema = PreferencesPatch.meta({ id: 'PreferencesPatch' });
const patchPreferences = createRoute({
  method: 'patch',
  path: '/v1/preferences',
  tags: ['preferences'],
  summary: 'Change part of the document with a JSON merge patch (RFC 7396)',
  security: bearer,
  middleware: [jsonBody({ types: mergePatchTypes, check: parsePreferencesPatch })] as const,
  request: {
    headers: WriteHeaders,
    body: {
      required: true,
      content: { 'application/merge-patch+json': { schema: patchSchema }, 'application/json': { schema: patchSchema } },
    },
  },
  responses: writeResponses,
});

const restorePreferences = createRoute({
  method: 'post',
  path: '/v1/preferences/restore',
  tags: ['preferences'],
  summary: 'Undo to an earlier version; recorded as a new version',
  security: bearer,
  middleware: [jsonBody({ types: jsonOnly })] as const,
  request: {
    headers: WriteHeaders,
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.strictObject({ version: z.number().int().positive() }).meta({ id: 'RestoreRequest' }),
        },
      },
    },
  },
  responses: {
    ...writeResponses,
    404: { ...problems[404], description: 'No such version in the history (PREFERENCES_VERSION_NOT_FOUND)' },
  },
});

const HistoryEntry = z.object({
  version: z.number().int(),
  preferences: PreferencesDoc,
  requestKey: z.string(),
  changedAt: z.string(),
});
const preferencesHistory = createRoute({
  method: 'get',
  path: '/v1/preferences/history',
  tags: ['preferences'],
  summary: 'The audit trail, newest first, paged',
  security: bearer,
  request: {
    query: z.object({
      limit: z.coerce.number().int().min(1).max(100).default(20),
      // Cassandra's paging state, hex-encoded: anything else is refused before it reaches the driver.
      cursor: z
        .string()
        .regex(/^[0-9a-fA-F]{2,4096}$/)
        .optional(),
    }),
  },
  responses: {
    200: {
      description: 'A page of history entries; pass nextCursor back for the next page',
      content: {
        'application/json': {
          schema: z
            .object({ entries: z.array(HistoryEntry), nextCursor: z.string().optional() })
            .meta({ id: 'PreferenceHistoryPage' }),
        },
      },
    },
    400: { ...problems[400], description: 'The cursor is not one this API gave out (INVALID_CURSOR)' },
    401: problems[401],
    422: problems[422],
    429: problems[429],
    503: problems[503],
  },
});

const unavailable = () =>
  new ApiError(503, 'PREFERENCES_UNAVAILABLE', {
    detail: 'Preferences cannot be reached right now; try again shortly',
    headers: { 'Retry-After': RETRY_AFTER_SECONDS },
  });

/** If-Match as a version: `"3"` (what GET sends) or a bare `3`. */
export function parseIfMatch(header: string | undefined): number | 'missing' | 'invalid' {
  if (header === undefined || header.trim() === '') return 'missing';
  const match = /^\s*"?(\d{1,15})"?\s*$/.exec(header);
  return match?.[1] === undefined ? 'invalid' : Number(match[1]);
}

export function preferencesRoutes(deps: Pick<ApiDeps, 'preferences' | 'workflows'>) {
  const app = new OpenAPIHono<AppEnv>();

  const currentVersion = async (userId: string) =>
    (await withTimeout(deps.preferences.load(userId), READ_TIMEOUT_MS, 'preference store').catch(() => undefined))
      ?.version;

  const conflict = (current: number | undefined) =>
    new ApiError(412, 'PREFERENCES_VERSION_CONFLICT', {
      detail: 'The preferences changed since you read them: reload, reapply, and send the new version in If-Match',
      extra: current === undefined ? {} : { currentVersion: current },
      headers: current === undefined ? {} : { ETag: `"${current}"` },
    });

  /** Runs the changePreferences workflow and maps its named failures to statuses. */
  const write = async (c: Context<AppEnv>, headers: z.infer<typeof WriteHeaders>, change: PreferenceChange) => {
    const { userId } = c.get('caller');
    const expected = parseIfMatch(headers['if-match']);
    if (expected === 'missing') {
      throw new ApiError(428, 'PRECONDITION_REQUIRED', {
        detail: 'Send If-Match with the version you read (the ETag of GET /v1/preferences)',
      });
    }
    // An If-Match that names no version cannot match the current one: RFC 9110 says 412.
    if (expected === 'invalid') throw conflict(await currentVersion(userId));
    // Without a key every request is its own change; the workflow id still makes a retried start safe.
    const requestKey = headers['idempotency-key'] ?? randomUUID();
    try {
      const result = await deps.workflows.changePreferences(
        { userId, requestKey, expectedVersion: expected, change },
        WRITE_TIMEOUT_MS,
        c.req.raw.signal,
      );
      return c.json(result.preferences, 200, { ETag: `"${result.version}"`, 'Idempotency-Key': requestKey });
    } catch (error) {
      if (error instanceof IdempotencyKeyReusedError) {
        throw new ApiError(422, 'IDEMPOTENCY_KEY_REUSED', {
          detail: 'This Idempotency-Key was sent with a different request; use a new key for a new change',
        });
      }
      if (error instanceof PreferenceChangeRefusedError) {
        const { refusal } = error;
        switch (refusal.reason) {
          case 'version-conflict':
            throw conflict(refusal.currentVersion ?? (await currentVersion(userId)));
          case 'invalid':
            throw validationFailed([...refusal.issues]);
          case 'version-not-found':
            throw new ApiError(404, 'PREFERENCES_VERSION_NOT_FOUND', { detail: 'No such version in the history' });
        }
      }
      // Temporal unreachable or the deadline passed: the change may still apply; a retry with the same key is safe.
      // A caller that went away reads no answer: not a warning, but worth seeing when apps give up early.
      if (c.req.raw.signal.aborted) c.get('logger').info('caller went away before the preference change answered');
      else c.get('logger').warn({ err: error }, 'preference change did not finish in time');
      throw unavailable();
    }
  };

  app.openapi(getPreferences, async (c) => {
    const preferences = await withTimeout(
      deps.preferences.load(c.get('caller').userId),
      READ_TIMEOUT_MS,
      'preference store',
    ).catch((error: unknown) => {
      c.get('logger').warn({ err: error }, 'preference store unavailable');
      throw unavailable();
    });
    return c.json(preferences, 200, { ETag: `"${preferences.version}"`, 'Cache-Control': 'private, no-cache' });
  });

  app.openapi(putPreferences, (c) =>
    write(c, c.req.valid('header'), { kind: 'replace', document: c.req.valid('json') }),
  );
  app.openapi(patchPreferences, (c) => write(c, c.req.valid('header'), { kind: 'patch', patch: c.req.valid('json') }));
  app.openapi(restorePreferences, (c) =>
    write(c, c.req.valid('header'), { kind: 'restore', version: c.req.valid('json').version }),
  );

  app.openapi(preferencesHistory, async (c) => {
    const { limit, cursor } = c.req.valid('query');
    try {
      const page = await withTimeout(
        deps.preferences.history(c.get('caller').userId, limit, cursor),
        READ_TIMEOUT_MS,
        'preference history',
      );
      return c.json(page, 200);
    } catch (error) {
      // A cursor this API did not hand out is the client's mistake, not ours.
      if (error instanceof InvalidCursorError)
        throw new ApiError(400, 'INVALID_CURSOR', { detail: 'The cursor is not valid' });
      c.get('logger').warn({ err: error }, 'preference history unavailable');
      throw unavailable();
    }
  });

  return app;
}
