import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { SealedPayloadError, payloadFromJson, payloadToJson } from '../../adapters/temporal/user-payload-codec.js';
import { TEMPORAL_CODEC_PATH } from '../../config/index.js';
import type { AppEnv } from '../env.js';
import { adminOnly } from '../middleware/admin-only.js';
import { jsonBody } from '../middleware/body.js';
import { ApiError } from '../problem.js';
import { bearer, problems } from '../schemas.js';
import { withTimeout } from '../with-timeout.js';

/** Key reads for one page of history; an operator's page must not hang on a busy Cassandra. */
const DECODE_TIMEOUT_MS = 5_000;

/** Bytes as base64, as a pattern: the OpenAPI document then says what is accepted. */
const base64 = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/);
/** A payload as the Temporal UI sends it: proto3 JSON, bytes as base64. */
const CodecPayload = z.object({
  metadata: z.record(z.string().max(256), base64(4_096)).optional(),
  data: base64(4_000_000).optional(),
});
const CodecPayloads = z.object({ payloads: z.array(CodecPayload).max(1_000) }).meta({ id: 'TemporalCodecPayloads' });

const decodeRoute = createRoute({
  method: 'post',
  path: `${TEMPORAL_CODEC_PATH}/decode`,
  tags: ['admin'],
  summary:
    "The Temporal UI's remote codec: opens payloads sealed with their user's key, so operators read histories; a payload whose key was erased (or that was altered) comes back sealed",
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
 * token from the bank's identity provider). Payloads are opened one by one so an erased user's stay
 * sealed while the rest of the page shows.
 */
export function temporalCodecRoutes(deps: { codec: PayloadCodec }) {
  const app = new OpenAPIHono<AppEnv>();
  app.use(`${TEMPORAL_CODEC_PATH}/*`, adminOnly);
  const open = async (payload: Payload): Promise<Payload> => {
    try {
      const [opened] = await deps.codec.decode([payload]);
      return opened ?? payload;
    } catch (error) {
      if (error instanceof SealedPayloadError) return payload;
      throw error;
    }
  };
  app.openapi(decodeRoute, async (c) => {
    const { payloads } = c.req.valid('json');
    try {
      const opened = await withTimeout(
        Promise.all(payloads.map((p) => open(payloadFromJson(p)))),
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
