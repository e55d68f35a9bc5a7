/**
 * Stable error codes of the dashboard core. The API maps them to HTTP (e.g. 422 for PREFERENCES_*),
 * the bridge to dead-letter reasons; the strings never change once shipped.
 */
export const PREFERENCES_ERROR_CODES = [
  'PREFERENCES_INVALID',
  'PREFERENCES_TOO_LARGE',
  'PREFERENCES_LIST_TOO_LONG',
  'PREFERENCES_ID_TOO_LONG',
  'PREFERENCES_ID_INVALID',
  'PREFERENCES_DUPLICATE_ID',
  'PREFERENCES_VALUE_TOO_LONG',
  'PREFERENCES_READ_ONLY_FIELD',
] as const;
export const EVENT_ERROR_CODES = ['EVENT_INVALID_ENVELOPE', 'EVENT_INVALID_PAYLOAD'] as const;
export const CORE_ERROR_CODES = ['CAPABILITIES_INVALID_MATRIX', 'CORE_INVALID_ARGUMENT'] as const;

export type PreferencesErrorCode = (typeof PREFERENCES_ERROR_CODES)[number];
export type EventErrorCode = (typeof EVENT_ERROR_CODES)[number];
export type ErrorCode = PreferencesErrorCode | EventErrorCode | (typeof CORE_ERROR_CODES)[number];

/** One problem with an input. `path` is a JSON Pointer (RFC 6901) into the input, "" for the whole. */
export interface CoreIssue<Code extends ErrorCode = ErrorCode> {
  code: Code;
  path: string;
  message: string;
}

/** Parse and merge functions return this instead of throwing: bad input is expected, not exceptional. */
export type Result<T, Code extends ErrorCode = ErrorCode> =
  { ok: true; value: T } | { ok: false; errors: CoreIssue<Code>[] };

/** Thrown only for programming or deployment errors (a broken capability matrix, an invalid `now` from the caller). */
export class DashboardCoreError extends Error {
  override readonly name = 'DashboardCoreError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues: CoreIssue[] = [],
  ) {
    super(message);
  }
}

export function toJsonPointer(path: readonly PropertyKey[]): string {
  return path.map((segment) => '/' + String(segment).replaceAll('~', '~0').replaceAll('/', '~1')).join('');
}

/** One entry per (code, path): an empty id breaks two rules but is one mistake to the user. */
export function uniqueIssues<Code extends ErrorCode>(issues: CoreIssue<Code>[]): CoreIssue<Code>[] {
  return [...new Map(issues.map((issue) => [`${issue.code} ${issue.path}`, issue])).values()];
}
