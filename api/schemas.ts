import { z } from '@hono/zod-openapi';

/** OpenAPI pieces shared by the route modules. */

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string().meta({ description: 'Stable error code, e.g. PREFERENCES_VERSION_CONFLICT' }),
    detail: z.string().optional(),
    instance: z.string().optional(),
  })
  .loose()
  .meta({ id: 'Problem' });

export const FieldError = z
  .object({
    code: z.string().meta({ description: 'Stable code of this field error, e.g. PREFERENCES_LIST_TOO_LONG' }),
    path: z.string().meta({ description: 'JSON Pointer (RFC 6901) to the field' }),
    message: z.string(),
  })
  .meta({ id: 'FieldError' });

export const ValidationProblem = Problem.extend({ errors: z.array(FieldError) }).meta({ id: 'ValidationProblem' });

const problemContent = (schema: z.ZodType = Problem) => ({ 'application/problem+json': { schema } });

/** Error responses by status, to spread into a route's `responses`. */
export const problems = {
  400: { description: 'The body is not valid JSON (INVALID_JSON)', content: problemContent() },
  401: { description: 'No token, or an invalid or expired one (UNAUTHORIZED)', content: problemContent() },
  403: { description: "Another user's data without the admin role (FORBIDDEN)", content: problemContent() },
  404: { description: 'Not found', content: problemContent() },
  412: {
    description: 'If-Match names an old version (PREFERENCES_VERSION_CONFLICT, with currentVersion)',
    content: problemContent(),
  },
  413: { description: 'Body over the size limit (PAYLOAD_TOO_LARGE)', content: problemContent() },
  415: { description: 'Unsupported Content-Type (UNSUPPORTED_MEDIA_TYPE)', content: problemContent() },
  422: {
    description: 'Schema violation, listing each field (VALIDATION_FAILED)',
    content: problemContent(ValidationProblem),
  },
  428: { description: 'If-Match is missing (PRECONDITION_REQUIRED)', content: problemContent() },
  429: { description: 'Rate limit reached (RATE_LIMITED), see Retry-After', content: problemContent() },
  503: { description: 'A dependency is unavailable, see Retry-After', content: problemContent() },
} as const;

export const bearer = [{ bearerAuth: [] }];
