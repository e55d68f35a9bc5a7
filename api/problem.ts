import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * RFC 9457 problem details. Every error the API sends has this shape, with a stable `code` the apps
 * can switch on; `title` and `detail` are for humans and may change.
 */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: string;
  readonly detail?: string;
  readonly instance?: string;
  readonly [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

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

export function problemBody(
  status: number,
  code: string,
  options: Pick<ApiErrorOptions, 'detail' | 'extra'> & { instance?: string } = {},
): Problem {
  return {
    // The code doubles as the problem type, so one registry of codes documents both.
    type: `urn:dashboard:problem:${code.toLowerCase().replaceAll('_', '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    code,
    ...(options.detail !== undefined ? { detail: options.detail } : {}),
    ...(options.instance !== undefined ? { instance: options.instance } : {}),
    ...options.extra,
  };
}

/** A problem+json response for the request in `c`. */
export function problemResponse(c: Context, error: ApiError): Response {
  const body = problemBody(error.status, error.code, {
    detail: error.detail,
    extra: error.extra,
    instance: c.req.path,
  });
  return c.body(JSON.stringify(body), error.status, { ...error.headers, 'Content-Type': PROBLEM_CONTENT_TYPE });
}
