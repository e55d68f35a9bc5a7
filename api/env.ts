import type { Logger } from 'pino';

/** Who is calling, from a verified JWT. */
export interface Caller {
  readonly userId: string;
  readonly admin: boolean;
}

/** Typed context variables every route and middleware can read. */
export interface AppEnv {
  Variables: {
    requestId: string;
    /** The request's child logger: every line carries the request id. */
    logger: Logger;
    caller: Caller;
  };
}
