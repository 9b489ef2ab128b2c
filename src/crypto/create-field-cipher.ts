import { createCipheriv, createDecipheriv, createSecretKey, randomBytes } from 'node:crypto';
import { keyIdFor, parseEncryptionKey } from './encryption-keys.js';
import type { CipherContext, FieldCipher } from './field-cipher.js';

const PREFIX = 'enc:v1:';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[0-9a-f]{8}$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;
// Lone surrogates would silently become U+FFFD in UTF-8, so such a value could not round-trip.
const LONE_SURROGATE = /\p{Cs}/u;

/** Why a stored value could not be decrypted. The message never contains the plaintext. */
export class DecryptionError extends Error {
  override readonly name = 'DecryptionError';
  constructor(
    message: string,
    readonly code: 'DECRYPTION_FAILED' | 'UNKNOWN_KEY' | 'MALFORMED',
  ) {
    super(message);
  }
}

interface StoredValue {
  keyId: string;
  nonce: Buffer;
  sealed: Buffer;
}

/**
 * AES-256-GCM field cipher. Values are stored as `enc:v1:<keyId>:<nonce>:<ciphertext||tag>` (base64url),
 * bound to their table, column and user. New values use `currentKey`; `oldKeys` are only read, so a key
 * can be rotated while values written under the old one are still readable.
 * Keys are in any form parseEncryptionKey accepts; a bad one throws a ConfigError.
 */
export function createFieldCipher(options: { currentKey: string; oldKeys?: string[] }): FieldCipher {
  const current = parseEncryptionKey(options.currentKey, 'ENCRYPTION_KEY');
  const currentKeyId = keyIdFor(current);
  const oldKeys = (options.oldKeys ?? []).map((text, i) =>
    parseEncryptionKey(text, `ENCRYPTION_OLD_KEYS (entry ${i + 1})`),
  );
  // Several keys per id: 8 hex characters can collide, and GCM's tag tells the right key apart.
  const keysById = new Map<string, Buffer[]>();
  for (const key of [current, ...oldKeys]) {
    const id = keyIdFor(key);
    const keys = keysById.get(id) ?? [];
    if (!keys.some((known) => known.equals(key))) keys.push(key);
    keysById.set(id, keys);
  }

  // Every /mood with a note encrypts, so the per-value costs are kept down: the key is prepared once, and
  // nonces are drawn from a pooled buffer of CSPRNG bytes (each used once) instead of one call each.
  const currentKeyObject = createSecretKey(current);
  const nextNonce = noncePool();

  return {
    currentKeyId,

    encrypt(plaintext, context) {
      if (LONE_SURROGATE.test(plaintext)) {
        throw new TypeError('Cannot encrypt a string with a lone surrogate: it has no UTF-8 encoding.');
      }
      const nonce = nextNonce();
      const cipher = createCipheriv('aes-256-gcm', currentKeyObject, nonce, { authTagLength: TAG_BYTES });
      cipher.setAAD(associatedData(currentKeyId, context));
      const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return `${PREFIX}${currentKeyId}:${nonce.toString('base64url')}:${sealed.toString('base64url')}`;
    },

    decrypt(stored, context) {
      const value = parseStored(stored);
      if (!value) throw new DecryptionError('The stored value is not in the enc:v1 format.', 'MALFORMED');
      const keys = keysById.get(value.keyId);
      if (!keys) {
        throw new DecryptionError(
          `The value was encrypted with key ${value.keyId}, which is not configured; ` +
            'add that key to ENCRYPTION_OLD_KEYS to read it.',
          'UNKNOWN_KEY',
        );
      }
      const aad = associatedData(value.keyId, context);
      for (const key of keys) {
        const plaintext = open(key, value, aad);
        if (plaintext !== undefined) return plaintext;
      }
      throw new DecryptionError(
        `The value in ${context.table}.${context.column} failed authentication: ` +
          'it was changed, or it belongs to another user, column or table.',
        'DECRYPTION_FAILED',
      );
    },

    isEncrypted: (stored) => parseStored(stored) !== undefined,

    keyIdOf: (stored) => parseStored(stored)?.keyId,
  };
}

function open(key: Buffer, value: StoredValue, aad: Buffer): string | undefined {
  const decipher = createDecipheriv('aes-256-gcm', key, value.nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(value.sealed.subarray(-TAG_BYTES));
  const body = decipher.update(value.sealed.subarray(0, -TAG_BYTES));
  try {
    return Buffer.concat([body, decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

/** JSON keeps the fields apart: table "a:b" + column "c" never equals table "a" + column "b:c". */
function associatedData(keyId: string, context: CipherContext): Buffer {
  if (!Number.isSafeInteger(context.userId)) {
    throw new TypeError(`CipherContext.userId must be an integer (got ${context.userId}).`);
  }
  const fields: Array<string | number> = [PREFIX, keyId, context.table, context.column, context.userId];
  // Values bound to a row key as well (the inbox's) carry it last; the others keep their bytes as before.
  if (context.rowKey !== undefined) fields.push(context.rowKey);
  return Buffer.from(JSON.stringify(fields), 'utf8');
}

function parseStored(stored: string): StoredValue | undefined {
  if (!stored.startsWith(PREFIX)) return undefined;
  const parts = stored.slice(PREFIX.length).split(':');
  if (parts.length !== 3) return undefined;
  const [keyId = '', nonceText = '', sealedText = ''] = parts;
  if (!KEY_ID.test(keyId)) return undefined;
  const nonce = decodeBase64Url(nonceText);
  const sealed = decodeBase64Url(sealedText);
  if (nonce?.length !== NONCE_BYTES || !sealed || sealed.length < TAG_BYTES) return undefined;
  return { keyId, nonce, sealed };
}

/** Only the canonical encoding: Node's decoder would otherwise skip stray characters and spare bits. */
function decodeBase64Url(text: string): Buffer | undefined {
  if (!BASE64URL.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}

/** Fresh random nonces, NONCE_BYTES each, cut from a buffer refilled with new random bytes when used up. */
function noncePool(count = 1024): () => Buffer {
  let pool = Buffer.alloc(0);
  let at = 0;
  return () => {
    if (at + NONCE_BYTES > pool.length) {
      pool = randomBytes(NONCE_BYTES * count);
      at = 0;
    }
    const nonce = pool.subarray(at, at + NONCE_BYTES);
    at += NONCE_BYTES;
    return nonce;
  };
}
