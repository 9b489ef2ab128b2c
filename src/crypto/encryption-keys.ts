import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../core/errors.js';

const KEY_BYTES = 32;
const HEX_KEY = /^[0-9a-fA-F]{64}$/;
// 32 bytes are 43 base64 characters plus one optional '=' of padding; one alphabet per key.
const BASE64_KEY = /^(?:[A-Za-z0-9+/]{43}|[A-Za-z0-9_-]{43})=?$/;
const KEY_ID_DOMAIN = 'moodscale/field-cipher/key-id/v1\0';

/** The key in `text`, or undefined when it is not in a form parseEncryptionKey accepts. */
function keyBytes(text: string): Buffer | undefined {
  if (HEX_KEY.test(text)) return Buffer.from(text, 'hex');
  if (BASE64_KEY.test(text))
    return Buffer.from(text, text.includes('-') || text.includes('_') ? 'base64url' : 'base64');
  const raw = Buffer.from(text, 'utf8');
  return raw.length === KEY_BYTES ? raw : undefined;
}

/**
 * What is wrong with `text` as an encryption key ("expected a 32-byte key ..."), or undefined when it
 * is one. Never contains the key itself.
 */
export function encryptionKeyProblem(text: string): string | undefined {
  if (keyBytes(text)) return undefined;
  const bytes = Buffer.byteLength(text, 'utf8');
  const whitespace = text.trim() === text ? '' : ', including leading or trailing whitespace';
  return (
    'expected a 32-byte key as 64 hex characters, as base64 or base64url (43 or 44 characters), ' +
    `or as text of exactly 32 bytes; this one has ${text.length} characters (${bytes} bytes${whitespace}). ` +
    'Generate one with: openssl rand -hex 32'
  );
}

/**
 * Reads a 32-byte AES key from its configured text: 64 hex characters, base64 or base64url of 32 bytes,
 * or text whose UTF-8 encoding is exactly 32 bytes. Throws a ConfigError naming `variable` otherwise,
 * headed like every configuration error ("MoodScale cannot start: ..."); the message never contains
 * the key itself.
 */
export function parseEncryptionKey(text: string, variable = 'ENCRYPTION_KEY'): Buffer {
  const key = keyBytes(text);
  if (key) return key;
  throw new ConfigError(
    `MoodScale cannot start: ${variable} is not a usable encryption key.\n` +
      `  ${variable}: ${encryptionKeyProblem(text)}.`,
  );
}

/** A short, stable name for a key (8 hex characters), stored with each value so decrypt can pick the key. */
export function keyIdFor(key: Buffer): string {
  return createHash('sha256').update(KEY_ID_DOMAIN).update(key).digest('hex').slice(0, 8);
}

/**
 * For zero-configuration embedded use: returns the key kept in `${dataDir}/encryption.key`, creating the
 * directory and the file (32 random bytes as hex, mode 0600) on first use.
 */
export function loadOrCreateKeyFile(dataDir: string): { key: string; created: boolean } {
  const path = join(dataDir, 'encryption.key');
  mkdirSync(dataDir, { recursive: true });
  let created = true;
  try {
    // 'wx' never overwrites: a key that already encrypted data must not be replaced.
    writeFileSync(path, `${randomBytes(KEY_BYTES).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    created = false;
  }
  const key = readFileSync(path, 'utf8').trim();
  parseEncryptionKey(key, path);
  return { key, created };
}
