import { ErrorType } from '../contract/workflows.js';

/**
 * Named errors activities throw. Temporal records a failure's type as the error's `name`, which is set
 * explicitly (never taken from a possibly minified class name) and listed in contract/workflows.ts.
 */
export class DomainRequestRejectedError extends Error {
  override readonly name = ErrorType.DomainRequestRejected;
}

export class CircuitOpenError extends Error {
  override readonly name = ErrorType.CircuitOpen;
}

export class DomainResponseInvalidError extends Error {
  override readonly name = ErrorType.DomainResponseInvalid;
}

/** No source answered and no view exists: there is nothing to show; retrying at once cannot help. */
export class DashboardUnavailableError extends Error {
  override readonly name = ErrorType.DashboardUnavailable;
}
