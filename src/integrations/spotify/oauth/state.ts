import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../../../core/clock.js';
import type { FieldCipher } from '../../../crypto/field-cipher.js';
import { codeChallengeS256, createCodeVerifier } from './pkce.js';

/** What issue() hands out: `state` and `challenge` go into the authorize URL; the verifier never leaves. */
export interface IssuedState {
  state: string;
  challenge: string;
  expiresAt: Date;
}

export type StateCheck =
  | { ok: true; userId: number; codeVerifier: string }
  | { ok: false; reason: 'malformed' | 'forged' | 'expired' | 'replayed' };

export interface OAuthState {
  /** A signed state for this user, with a fresh PKCE pair whose verifier is sealed inside. */
  issue(userId: number): IssuedState;
  /** Checks a state that came back on the callback; a good one is accepted once. */
  consume(state: string): StateCheck;
}

const VERSION = 'v2';
const payloadSchema = z.object({
  /** MoodScale user id. */
  u: z.number().int().positive(),
  /** Nonce: makes every state unique and is what "used once" remembers. */
  n: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
  /** Expiry, ms since the epoch. */
  e: z.number().int().nonnegative(),
  /** The PKCE code_verifier. */
  v: z.string().min(43).max(128),
});

export const OAUTH_STATE_CONTEXT = { table: 'oauth_state', column: 'state', userId: 0 } as const;

/**
 * The OAuth `state` parameter, stateless and opaque: `v2.<sealed>.<mac>` where `sealed` is the payload
 * (user id, nonce, expiry, PKCE code_verifier) as JSON encrypted with the FieldCipher (AES-256-GCM,
 * context oauth_state/state), base64url, and the mac is HMAC-SHA256 over both under `secret`. Whoever
 * sees the URL (the browser's history, a proxy's log) learns nothing: not the internal user id, not
 * the verifier.
 *
 * Why stateless: a deployment with several instances routes Spotify's callback to any of them, so an
 * in-memory map of verifiers kept by the instance that issued the link would miss on the others. Here
 * any instance with the same secret and encryption key finishes the flow. The mac makes a forged or
 * tampered state fail before anything is decrypted.
 *
 * Replays: each nonce is remembered as used in a bounded in-memory map until its state expires, so a
 * state is accepted once per instance. Across instances, Spotify's authorization codes are single use,
 * so replaying a state with its (already redeemed) code is refused by Spotify too.
 */
export function createOAuthState(deps: {
  secret: Buffer;
  cipher: FieldCipher;
  clock: Clock;
  /** Lifetime of a state (default 10 minutes). */
  ttlMs?: number;
  /** Most used nonces remembered (default 10,000); the oldest are dropped beyond it. */
  maxRemembered?: number;
}): OAuthState {
  const ttl = deps.ttlMs ?? 10 * 60_000;
  const maxRemembered = deps.maxRemembered ?? 10_000;
  const used = new Map<string, number>();

  const mac = (signed: string) => createHmac('sha256', deps.secret).update(signed).digest();

  function remember(nonce: string, expires: number): void {
    const now = deps.clock.now().getTime();
    for (const [key, until] of used) if (until <= now) used.delete(key);
    used.set(nonce, expires);
    while (used.size > maxRemembered) {
      const oldest = used.keys().next();
      if (oldest.done) break;
      used.delete(oldest.value);
    }
  }

  return {
    issue(userId) {
      const codeVerifier = createCodeVerifier();
      const expires = deps.clock.now().getTime() + ttl;
      const payload = { u: userId, n: randomBytes(16).toString('base64url'), e: expires, v: codeVerifier };
      const sealed = deps.cipher.encrypt(JSON.stringify(payload), OAUTH_STATE_CONTEXT);
      const signed = `${VERSION}.${Buffer.from(sealed).toString('base64url')}`;
      return {
        state: `${signed}.${mac(signed).toString('base64url')}`,
        challenge: codeChallengeS256(codeVerifier),
        expiresAt: new Date(expires),
      };
    },
    consume(state) {
      if (typeof state !== 'string' || state.length > 4000) return { ok: false, reason: 'malformed' };
      const parts = state.split('.');
      if (parts.length !== 3 || parts[0] !== VERSION) return { ok: false, reason: 'malformed' };
      const signed = `${parts[0]}.${parts[1]}`;
      const given = Buffer.from(parts[2] ?? '', 'base64url');
      const expected = mac(signed);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return { ok: false, reason: 'forged' };
      }
      let json: unknown;
      try {
        const sealed = Buffer.from(parts[1] ?? '', 'base64url').toString('utf8');
        json = JSON.parse(deps.cipher.decrypt(sealed, OAUTH_STATE_CONTEXT));
      } catch {
        // The mac was right, so this is our own secret with another encryption key (or a bug).
        return { ok: false, reason: 'forged' };
      }
      const payload = payloadSchema.safeParse(json);
      if (!payload.success) return { ok: false, reason: 'malformed' };
      const { u: userId, n: nonce, e: expires, v: codeVerifier } = payload.data;
      if (deps.clock.now().getTime() >= expires) return { ok: false, reason: 'expired' };
      if (used.has(nonce)) return { ok: false, reason: 'replayed' };
      remember(nonce, expires);
      return { ok: true, userId, codeVerifier };
    },
  };
}
