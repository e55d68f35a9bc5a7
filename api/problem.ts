import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { PROBLEM_CONTENT_TYPE, problemDocument } from '../dashboard/index.js';

export interface ApiErrorOptions {
  readonly detail?: string;
  /** Extension members of the problem document (e.g. `errors`, `currentVersion`). */
  readonly extra?: Record<string, unknown>;
  /** Response headers such as Retry-After or WWW-Authenticate. */
  readonly headers?: Record<string, string>;
}

/** Thrown anywhere in a request; `onError` turns it into its problem+json response. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly detail: string | undefined;
  readonly extra: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    options: ApiErrorOptions = {},
  ) {
    super(options.detail ?? code);
    this.detail = options.detail;
    this.extra = options.extra ?? {};
    this.headers = options.headers ?? {};
  }
}

/** A problem+json response for the request in `c`. */
export function problemResponse(c: Context, error: ApiError): Response {
  const body = problemDocument(error.status, error.code, {
    ...(error.detail === undefined ? {} : { detail: error.detail }),
    extra: error.extra,
    instance: c.req.path,
  });
  return c.body(JSON.stringify(body), error.status, { ...error.headers, 'Content-Type': PROBLEM_CONTENT_TYPE });
}
