import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../core/clock.js';

export interface ConfirmationCodes {
  /** A short code that confirms `purpose` for this user, valid for at least `ttlMs`. */
  issue(userId: number, purpose: string): { code: string; expiresAt: Date };
  verify(userId: number, purpose: string, code: string): boolean;
}

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/**
 * Stateless confirmation codes: an HMAC of user, purpose and time window. Any instance sharing the
 * secret accepts a code another issued, and nothing needs storing or cleaning up.
 */
export function createConfirmationCodes(deps: {
  secret: Buffer;
  clock: Clock;
  ttlMs?: number;
}): ConfirmationCodes {
  const ttl = deps.ttlMs ?? 5 * 60_000;
  const codeFor = (userId: number, purpose: string, window: number) => {
    const mac = createHmac('sha256', deps.secret).update(`${purpose}\u0000${userId}\u0000${window}`).digest();
    return Array.from(mac.subarray(0, 6), (b) => ALPHABET[b % ALPHABET.length]).join('');
  };
  return {
    issue(userId, purpose) {
      const window = Math.floor(deps.clock.now().getTime() / ttl);
      // Accepted in this window and the next, so always for at least one full ttl.
      return { code: codeFor(userId, purpose, window), expiresAt: new Date((window + 2) * ttl) };
    },
    verify(userId, purpose, code) {
      const given = Buffer.from(code.trim().toUpperCase());
      const window = Math.floor(deps.clock.now().getTime() / ttl);
      return [window, window - 1].some((w) => {
        const expected = Buffer.from(codeFor(userId, purpose, w));
        return expected.length === given.length && timingSafeEqual(expected, given);
      });
    },
  };
}
