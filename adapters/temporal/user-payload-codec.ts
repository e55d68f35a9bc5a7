import { defaultPayloadConverter, type DataConverter, type Payload, type PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import { userOfWorkflowId } from '../../contract/workflows.js';
import type { UserKeyStore } from '../cassandra/user-key-store.js';
import { open, seal } from '../crypto/user-cipher.js';

// A CommonJS module: its namespaces are reached through the default export under Node's ESM loader.
const ProtoPayload = proto.temporal.api.common.v1.Payload;

/** The encoding of a payload sealed with its user's key; the user and key travel in plain metadata. */
export const USER_ENCRYPTED_ENCODING = 'binary/encrypted-per-user';

/**
 * A sealed payload that cannot be opened: its user's key was erased (crypto-shredding, by design), or
 * it was altered. Either way nothing can read it, which the codec endpoint shows by leaving it sealed.
 */
export class SealedPayloadError extends Error {
  constructor(
    readonly userId: string,
    reason: 'erased' | 'altered',
  ) {
    super(
      reason === 'erased'
        ? `a payload of ${userId} can no longer be read: their key was erased`
        : `a payload of ${userId} does not open with their key: it was altered`,
    );
    this.name = 'SealedPayloadError';
  }
}

const text = (value: string) => new TextEncoder().encode(value);
const read = (payload: Payload, name: string) => {
  const value = payload.metadata?.[name];
  return value ? new TextDecoder().decode(value) : undefined;
};

export const isUserEncrypted = (payload: Payload) => read(payload, 'encoding') === USER_ENCRYPTED_ENCODING;

/**
 * Encrypts the payloads of a user's workflows (their rebuilds and preference changes: dashboards and
 * preference documents) with that user's key, so erasing the key makes what histories keep of them
 * unreadable (crypto-shredding). The user comes from the workflow id of the serialization context, as
 * Temporal gives it to codecs for workflow, activity and local-activity payloads alike; other workflows'
 * payloads (batches, operator runs, erasure receipts: ids and counts) pass unchanged. Opening needs no
 * context: the sealed payload names its user and key, which is what the codec endpoint relies on.
 *
 * A payload that cannot be opened (its key erased, or altered) throws SealedPayloadError, which is what
 * a worker needs: never run workflow code on anything but the real data. Clients pass `show`: they
 * list and describe an erased user's workflows too (operators, `ops failed`), and get a text saying
 * why in place of each such payload.
 */
export function createUserPayloadCodec(
  keys: UserKeyStore,
  options: { unreadable?: 'throw' | 'show' } = {},
): PayloadCodec {
  const unreadable = (error: SealedPayloadError): Payload => {
    if (options.unreadable !== 'show') throw error;
    return defaultPayloadConverter.toPayload(`[${error.message}]`);
  };
  return {
    async encode(payloads, context) {
      const userId = context?.workflowId === undefined ? undefined : userOfWorkflowId(context.workflowId);
      if (userId === undefined || payloads.length === 0) return payloads;
      const key = await keys.keyFor(userId);
      return payloads.map((payload) =>
        isUserEncrypted(payload)
          ? payload
          : {
              metadata: {
                encoding: text(USER_ENCRYPTED_ENCODING),
                'encryption-user': text(key.userId),
                'encryption-key-id': text(key.keyId),
              },
              data: seal(key, ProtoPayload.encode(payload).finish()),
            },
      );
    },

    async decode(payloads) {
      return Promise.all(
        payloads.map(async (payload) => {
          if (!isUserEncrypted(payload)) return payload;
          const userId = read(payload, 'encryption-user') ?? '';
          const key = await keys.find(userId, read(payload, 'encryption-key-id') ?? '');
          if (!key) return unreadable(new SealedPayloadError(userId, 'erased'));
          let plaintext: Buffer;
          try {
            plaintext = open(key, payload.data ?? new Uint8Array());
          } catch {
            return unreadable(new SealedPayloadError(userId, 'altered'));
          }
          return ProtoPayload.decode(plaintext);
        }),
      );
    },
  };
}

/** A payload in proto3 JSON, bytes as base64: how the Temporal UI, the CLI and codec endpoints write one. */
export interface JsonPayload {
  readonly metadata?: Record<string, string>;
  readonly data?: string;
}

export const payloadFromJson = (payload: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(payload.data ?? '', 'base64'),
});

export const payloadToJson = (payload: Payload): JsonPayload => ({
  metadata: Object.fromEntries(
    Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')]),
  ),
  data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
});

/** The codec of the platform's Temporal clients; workers throw instead (createDashboardWorkers). */
export const clientPayloadCodec = (keys: UserKeyStore): PayloadCodec =>
  createUserPayloadCodec(keys, { unreadable: 'show' });

/** The data converter of the platform's Temporal clients. */
export const platformDataConverter = (keys: UserKeyStore): DataConverter => ({
  payloadCodecs: [clientPayloadCodec(keys)],
});
