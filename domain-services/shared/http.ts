import { httpInstrumentationMiddleware } from '@hono/otel';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { toJsonPointer } from '../../dashboard/index.js';
import { DomainError, problemResponse, type ProblemIssue } from './problem.js';
import { assertKnownUser } from './users.js';

/**
 * The HTTP skeleton every domain service shares: one error mapping (DomainError -> its problem,
 * anything else -> logged 500), problem+json for unknown routes, and zod parsing helpers so bad input
 * is always a 4xx that names what was wrong.
 */
export function createBaseApp(logger: Logger): Hono {
  const app = new Hono();
  // A server span per request, continuing the caller's traceparent: a write's events carry it on.
  app.use('*', httpInstrumentationMiddleware());
  app.onError((error, c) => {
    if (error instanceof DomainError) return problemResponse(error.code, error.status, error.detail, error.issues);
    if (error instanceof HTTPException)
      return problemResponse('VALIDATION_FAILED', 400, error.message || 'Bad request');
    logger.error({ err: error, method: c.req.method, path: c.req.path }, 'unhandled error');
    return problemResponse('INTERNAL', 500, 'Something went wrong on our side.');
  });
  app.notFound((c) => problemResponse('NOT_FOUND', 404, `No route for ${c.req.method} ${c.req.path}.`));
  return app;
}

export async function parseJsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new DomainError('INVALID_JSON', 400, 'The request body must be a JSON document.');
  }
  return parseWith(schema, body, 'VALIDATION_FAILED');
}

export function parseWith<S extends z.ZodType>(
  schema: S,
  input: unknown,
  code: 'VALIDATION_FAILED' = 'VALIDATION_FAILED',
): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues: ProblemIssue[] = parsed.error.issues.map((issue) => ({
    path: toJsonPointer(issue.path),
    message: issue.message,
  }));
  throw new DomainError(code, 400, issues.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; '), issues);
}

/** The path's user id, checked against the seeded population (unknown -> 404 USER_NOT_FOUND). */
export function knownUser(c: Context, seedUsers: number): string {
  const userId = c.req.param('userId') ?? '';
  assertKnownUser(userId, seedUsers);
  return userId;
}
