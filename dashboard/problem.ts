/**
 * RFC 9457 problem details, the one shape of every error the platform's HTTP services send (the API
 * and the reference domain services): a stable `code` clients switch on, a `type` derived from it, and
 * a `title` and `detail` for humans that may change.
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

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export interface ProblemOptions {
  /** A title of its own; the status's reason phrase otherwise. */
  readonly title?: string;
  readonly detail?: string;
  readonly instance?: string;
  /** Extension members (e.g. `errors`, `currentVersion`). */
  readonly extra?: Record<string, unknown>;
}

/** The problem document of a `code` at a `status`; the code doubles as the problem type. */
export function problemDocument(status: number, code: string, options: ProblemOptions = {}): Problem {
  return {
    type: `urn:dashboard:problem:${code.toLowerCase().replaceAll('_', '-')}`,
    title: options.title ?? REASONS[status] ?? 'Error',
    status,
    code,
    ...(options.detail === undefined ? {} : { detail: options.detail }),
    ...(options.instance === undefined ? {} : { instance: options.instance }),
    ...options.extra,
  };
}
