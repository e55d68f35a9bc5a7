import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { UserKey } from '../cassandra/user-key-store.js';
import type { SealedValue } from '../../dashboard/contract/events.js';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM with a user's key: iv, tag and ciphertext in one buffer. The user id and key id are
 * authenticated with it, so a sealed value moved to another user, or opened with another key, fails.
 */
export function seal(key: UserKey, plaintext: Uint8Array): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key.secret, iv).setAAD(associatedData(key));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]);
}

/** The plaintext of `sealed`; throws when it was not sealed with this key or was altered. */
export function open(key: UserKey, sealed: Uint8Array): Buffer {
  const bytes = Buffer.from(sealed);
  if (bytes.length < IV_BYTES + TAG_BYTES) throw new Error('sealed value is too short');
  const decipher = createDecipheriv(ALGORITHM, key.secret, bytes.subarray(0, IV_BYTES))
    .setAAD(associatedData(key))
    .setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
}

/** A JSON value sealed for an event body. */
export function sealJson(key: UserKey, value: unknown): SealedValue {
  return { keyId: key.keyId, data: seal(key, Buffer.from(JSON.stringify(value))).toString('base64') };
}

/** What sealJson sealed, parsed as JSON; throws as `open` does. The caller validates its shape. */
export function openJson(key: UserKey, sealed: SealedValue): unknown {
  return JSON.parse(open(key, Buffer.from(sealed.data, 'base64')).toString('utf8'));
}

const associatedData = (key: UserKey) => Buffer.from(`${key.userId}\n${key.keyId}`);
