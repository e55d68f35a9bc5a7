import { z } from 'zod';

/** RFC 9457 problem details as the API sends them; only what the client reads is required. */
export const ProblemDocument = z
  .object({
    type: z.string().optional(),
    title: z.string().optional(),
    status: z.number().optional(),
    code: z.string().optional(),
    detail: z.string().optional(),
    currentVersion: z.number().optional(),
  })
  .loose();
export type ProblemDocument = z.infer<typeof ProblemDocument>;

/** The server answered with an error status. */
export class ApiProblem extends Error {
  override readonly name = 'ApiProblem';
  constructor(
    readonly status: number,
    readonly problem: ProblemDocument,
  ) {
    super(problem.detail ?? problem.title ?? `The request failed (${status})`);
  }

  get code(): string | undefined {
    return this.problem.code;
  }
}

/** No answer at all: offline, the connection dropped, or the server did not answer in time. */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
  constructor(readonly reason: 'offline' | 'timeout') {
    super(reason === 'timeout' ? 'The service did not answer in time' : 'The service could not be reached');
  }
}

/** The answer did not match the contract: shown as an error, never rendered half. */
export class InvalidResponseError extends Error {
  override readonly name = 'InvalidResponseError';
  constructor(readonly path: string) {
    super('We received data we could not read. Please try again later.');
  }
}

/** A 401: the token expired or was refused; the app is already back at the sign-in screen. */
export class SessionEndedError extends Error {
  override readonly name = 'SessionEndedError';
  constructor() {
    super('Your session has ended. Sign in again.');
  }
}

export function isConflict(error: unknown): error is ApiProblem {
  return error instanceof ApiProblem && error.status === 412;
}
