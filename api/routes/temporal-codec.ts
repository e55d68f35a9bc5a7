import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { PayloadCodec } from '@temporalio/common';
import { payloadFromJson, payloadToJson } from '../../adapters/temporal/user-payload-codec.js';
import { TEMPORAL_CODEC_PATH } from '../../config/index.js';
import type { AppEnv } from '../env.js';
import { adminOnly } from '../middleware/admin-only.js';
import { jsonBody } from '../middleware/body.js';
import { ApiError } from '../problem.js';
import { bearer, problems } from '../schemas.js';
import { withTimeout } from '../with-timeout.js';

/** Key reads for one page of history; an operator's page must not hang on a busy Cassandra. */
const DECODE_TIMEOUT_MS = 5_000;

/**
 * Bytes in the base64 alphabet, as a pattern, so the OpenAPI document says what is accepted. Lengths
 * are those a request within the body limit (BODY_LIMIT_BYTES) can hold.
 */
const base64 = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/);
/** A payload as the Temporal UI sends it: proto3 JSON, bytes as base64. */
const CodecPayload = z.object({
  metadata: z.record(z.string().max(64), base64(1_024)).optional(),
  data: base64(65_536).optional(),
});
const CodecPayloads = z.object({ payloads: z.array(CodecPayload).max(100) }).meta({ id: 'TemporalCodecPayloads' });

const decodeRoute = createRoute({
  method: 'post',
  path: `${TEMPORAL_CODEC_PATH}/decode`,
  tags: ['admin'],
  summary:
    "The Temporal UI's remote codec: opens payloads sealed with their user's key, so operators read histories; a payload whose key was erased (or that was altered) comes back as a text saying so",
  security: bearer,
  middleware: [jsonBody({ types: ['application/json'] })] as const,
  request: { body: { required: true, content: { 'application/json': { schema: CodecPayloads } } } },
  responses: {
    200: {
      description: 'The same payloads, opened where a key exists',
      content: { 'application/json': { schema: CodecPayloads } },
    },
    400: problems[400],
    401: problems[401],
    403: { ...problems[403], description: 'The token has no admin role (FORBIDDEN)' },
    413: problems[413],
    415: problems[415],
    422: problems[422],
    429: problems[429],
    503: problems[503],
  },
});

/**
 * Decoding for the Temporal UI, admin tokens only (in production the UI passes the operator's access
 * token from the bank's identity provider). The codec is the API's client codec: a payload of an erased
 * user comes back as a text saying so, and the rest of the page shows.
 */
export function temporalCodecRoutes(deps: { codec: PayloadCodec }) {
  const app = new OpenAPIHono<AppEnv>();
  app.use(`${TEMPORAL_CODEC_PATH}/*`, adminOnly);
  app.openapi(decodeRoute, async (c) => {
    const { payloads } = c.req.valid('json');
    try {
      const opened = await withTimeout(
        deps.codec.decode(payloads.map(payloadFromJson)),
        DECODE_TIMEOUT_MS,
        'key store',
      );
      return c.json({ payloads: opened.map(payloadToJson) }, 200);
    } catch (error) {
      c.get('logger').warn({ err: error }, 'payloads could not be decoded');
      throw new ApiError(503, 'KEYS_UNAVAILABLE', {
        detail: 'The payloads could not be opened right now: the key store did not answer',
        headers: { 'Retry-After': '5' },
      });
    }
  });
  return app;
}
