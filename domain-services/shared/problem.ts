import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { PROBLEM_CONTENT_TYPE, problemDocument, type Problem } from '../../dashboard/index.js';

/**
 * Errors of the domain services carry a stable `code`; the HTTP edge turns them into the platform's
 * one problem+json document (dashboard/problem.ts), with a title per code. Codes are part of the
 * API: never rename one.
 */
export type ProblemCode =
  | 'VALIDATION_FAILED'
  | 'INVALID_JSON'
  | 'NOT_FOUND'
  | 'USER_NOT_FOUND'
  | 'ACCOUNT_NOT_FOUND'
  | 'ACCOUNT_CURRENCY_MISMATCH'
  | 'PARTNER_NOT_FOUND'
  | 'PARTNER_EXISTS'
  | 'OFFER_NOT_FOUND'
  | 'OFFER_EXISTS'
  | 'RESERVED_WIDGET_ID'
  | 'UPSTREAM_UNAVAILABLE'
  | 'UPSTREAM_FAILED'
  | 'FAULT_INJECTED_DOWN'
  | 'FAULT_INJECTED_ERROR'
  | 'INTERNAL';

export interface ProblemIssue {
  path: string;
  message: string;
}

const TITLES: Record<ProblemCode, string> = {
  VALIDATION_FAILED: 'The request is not valid',
  INVALID_JSON: 'The request body is not JSON',
  NOT_FOUND: 'No such resource',
  USER_NOT_FOUND: 'No such user',
  ACCOUNT_NOT_FOUND: 'No such account',
  ACCOUNT_CURRENCY_MISMATCH: 'The amount is not in the account currency',
  PARTNER_NOT_FOUND: 'No such partner',
  PARTNER_EXISTS: 'The partner already exists',
  OFFER_NOT_FOUND: 'No such offer',
  OFFER_EXISTS: 'The offer already exists',
  RESERVED_WIDGET_ID: 'The widget id is reserved',
  UPSTREAM_UNAVAILABLE: 'A service this one depends on is unavailable',
  UPSTREAM_FAILED: 'A service this one depends on failed',
  FAULT_INJECTED_DOWN: 'Service down (fault injection)',
  FAULT_INJECTED_ERROR: 'Service error (fault injection)',
  INTERNAL: 'Internal error',
};

export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: ProblemCode,
    readonly status: ContentfulStatusCode,
    readonly detail: string,
    readonly issues?: ProblemIssue[],
  ) {
    super(`${code}: ${detail}`);
  }
}

export function problemOf(code: ProblemCode, status: number, detail: string, issues?: ProblemIssue[]): Problem {
  return problemDocument(status, code, {
    title: TITLES[code],
    detail,
    ...(issues === undefined ? {} : { extra: { errors: issues } }),
  });
}

export function problemResponse(
  code: ProblemCode,
  status: ContentfulStatusCode,
  detail: string,
  issues?: ProblemIssue[],
  headers?: Record<string, string>,
): Response {
  return new Response(JSON.stringify(problemOf(code, status, detail, issues)), {
    status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...headers },
  });
}
