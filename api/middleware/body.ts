import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from '../env.js';
import { ApiError } from '../problem.js';

/**
 * Bodies over `maxBytes` are refused before they are read whole: 413. GET and HEAD skip it: they take
 * no body, and looking for one builds the whole fetch Request, a measurable share of a cache hit.
 */
export function limitBody(maxBytes: number): MiddlewareHandler<AppEnv> {
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiError(413, 'PAYLOAD_TOO_LARGE', { detail: `Request bodies are limited to ${maxBytes} bytes` });
    },
  });
  return async function limitBody(c, next) {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    return limit(c, next);
  };
}

/** What a body parser returns: the core's parse functions already have this shape. */
export type BodyCheck =
  { ok: true } | { ok: false; errors: readonly { code: string; path: string; message: string }[] };

/**
 * Reads a JSON body in the order a client can act on: 415 for a content type the route does not
 * take, 400 for text that is not JSON, 422 (listing each field by JSON Pointer with a stable code)
 * when `check` refuses it. Runs before the route's own validator, so the core's codes win over
 * generic schema messages.
 */
export function jsonBody(options: {
  types: readonly string[];
  check?: (body: unknown) => BodyCheck;
}): MiddlewareHandler<AppEnv> {
  return async function jsonBody(c, next) {
    const mediaType = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (!options.types.includes(mediaType)) {
      throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', {
        detail: `Content-Type must be ${options.types.join(' or ')}`,
        // RFC 5789: a PATCH refused for its media type says which ones it takes.
        headers: c.req.method === 'PATCH' ? { 'Accept-Patch': options.types.join(', ') } : {},
      });
    }
    const text = await c.req.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new ApiError(400, 'INVALID_JSON', { detail: 'The request body is not valid JSON' });
    }
    const checked = options.check?.(body) ?? { ok: true };
    if (!checked.ok) throw validationFailed(checked.errors);
    await next();
  };
}

export function validationFailed(errors: readonly { code: string; path: string; message: string }[]): ApiError {
  return new ApiError(422, 'VALIDATION_FAILED', {
    detail: 'The request does not match the contract',
    extra: { errors },
  });
}
