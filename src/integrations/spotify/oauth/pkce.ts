import { createHash, randomBytes } from 'node:crypto';

/** The characters RFC 7636 allows in a code_verifier (unreserved URL characters). */
const VERIFIER_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~';

/** A code_verifier of `length` (43 to 128, default 64) random URL-safe characters. */
export function createCodeVerifier(length = 64): string {
  if (!Number.isInteger(length) || length < 43 || length > 128) {
    throw new Error(`A code_verifier has 43 to 128 characters (asked for ${length}).`);
  }
  // Bytes at or above the largest multiple of the alphabet size are skipped, so every character is
  // equally likely (no modulo bias).
  const limit = 256 - (256 % VERIFIER_ALPHABET.length);
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte >= limit) continue;
      out += VERIFIER_ALPHABET[byte % VERIFIER_ALPHABET.length];
      if (out.length === length) break;
    }
  }
  return out;
}

/** The S256 code_challenge: base64url(SHA-256(verifier)) without padding. */
export function codeChallengeS256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}
