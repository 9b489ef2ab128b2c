import { createHmac, randomInt } from 'node:crypto';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Clock } from '../core/clock.js';
import { UserError } from '../core/errors.js';
import type { FieldCipher } from '../crypto/field-cipher.js';
import type { Db } from '../db/database.js';
import { mergeUsers } from '../db/repositories/account-merge.js';
import { detachIdentity, listIdentitiesOfUser } from '../db/repositories/chat-identities.js';
import { consumeLinkCode, insertLinkCode, pruneLinkCodes } from '../db/repositories/link-codes.js';
import { readSpotifyLink, saveSpotifyLink } from '../db/repositories/users.js';
import type { ChatIdentity, Platform } from '../db/schema/index.js';
import type { IdentityService } from './identity-service.js';

/** A linked chat account, as /link lists them. */
export type { ChatIdentity };

import { rebindNotes } from './mood/note-rebind.js';

export interface LinkService {
  /** A one-time code the user types on another platform to join that account to this user. */
  issue(userId: number): Promise<{ code: string; expiresAt: Date }>;
  /** Joins the redeeming user into the code's owner; returns the surviving user id. */
  redeem(redeemerId: number, code: string): Promise<{ userId: number }>;
  identities(userId: number): Promise<ChatIdentity[]>;
  /**
   * Detaches the user's accounts on a platform and returns them; refuses to leave the user without any
   * account. When every account is on that platform (two linked console names), the one the command
   * came from (`fromIdentityId`) stays and the others are detached.
   */
  unlink(userId: number, platform: Platform, fromIdentityId?: number): Promise<ChatIdentity[]>;
}

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const CODE_TTL_MS = 10 * 60_000;

/** "K7QM-2XDA": 40 random bits, unambiguous letters, a dash for reading aloud. */
function newCode(): string {
  const chars = Array.from({ length: 8 }, () => ALPHABET[randomInt(ALPHABET.length)]);
  return `${chars.slice(0, 4).join('')}-${chars.slice(4).join('')}`;
}

/** Uppercase, without spaces or dashes: what the user meant, however they typed it. */
function canonical(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}

export function createLinkService(deps: {
  db: Db;
  clock: Clock;
  cipher: FieldCipher;
  identities: IdentityService;
  secret: Buffer;
  /** Told of users whose data changed owner, so caches of their history are dropped. */
  onMerged?: (userIds: number[]) => void;
}): LinkService {
  const { db, clock } = deps;
  // Codes are 40 bits and live 10 minutes; limiting attempts per user makes guessing hopeless.
  const attempts = new RateLimiterMemory({ keyPrefix: 'link-redeem', points: 5, duration: 15 * 60 });
  const issues = new RateLimiterMemory({ keyPrefix: 'link-issue', points: 5, duration: 15 * 60 });
  const hash = (code: string) => createHmac('sha256', deps.secret).update(canonical(code)).digest('hex');

  const limit = async (limiter: RateLimiterMemory, userId: number, what: string) => {
    try {
      await limiter.consume(String(userId));
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      const minutes = Math.ceil(error.msBeforeNext / 60_000);
      throw new UserError(`Too many ${what} in a short time. Try again in ${minutes} min.`, 'RATE_LIMITED');
    }
  };

  return {
    async issue(userId) {
      await limit(issues, userId, 'link codes');
      const now = clock.now();
      await pruneLinkCodes(db, now);
      const code = newCode();
      const expiresAt = new Date(now.getTime() + CODE_TTL_MS);
      await insertLinkCode(db, userId, hash(code), expiresAt);
      return { code, expiresAt };
    },

    async redeem(redeemerId, code) {
      await limit(attempts, redeemerId, 'attempts to link');
      if (!/^[A-Z0-9]{8}$/.test(canonical(code))) {
        throw new UserError('A link code looks like K7QM-2XDA (8 letters and digits).', 'INVALID_INPUT');
      }
      const owner = await consumeLinkCode(db, hash(code), clock.now());
      if (owner === undefined) {
        throw new UserError(
          'That link code is unknown, already used or expired. Run `/link new` on your other account for a fresh one.',
          'LINK_CODE_INVALID',
        );
      }
      if (owner === redeemerId) {
        throw new UserError(
          'That code belongs to this account: redeem it from the account you want to join to this one.',
          'LINK_CODE_OWN',
        );
      }
      // Spotify tokens are bound to their user by the encryption; carry them over re-encrypted.
      const redeemerSpotify = await readSpotifyLink(db, deps.cipher, redeemerId).catch(() => undefined);
      const ownerSpotify = await readSpotifyLink(db, deps.cipher, owner).catch(() => undefined);
      if (redeemerSpotify && !ownerSpotify) await saveSpotifyLink(db, deps.cipher, owner, redeemerSpotify);
      await mergeUsers(db, redeemerId, owner, {
        beforeMove: (tx) => rebindNotes(tx, deps.cipher, redeemerId, owner),
      });
      deps.identities.forget(redeemerId);
      deps.identities.forget(owner);
      deps.onMerged?.([redeemerId, owner]);
      return { userId: owner };
    },

    identities: (userId) => listIdentitiesOfUser(db, userId),

    async unlink(userId, platform, fromIdentityId) {
      const mine = await listIdentitiesOfUser(db, userId);
      let leaving = mine.filter((i) => i.platform === platform);
      if (leaving.length === 0) throw new UserError(`No ${platform} account is linked.`, 'NOT_LINKED');
      if (leaving.length === mine.length) {
        // Every account is on this platform: the one asking keeps the data, the others go.
        leaving = leaving.filter((i) => i.id !== fromIdentityId);
      }
      if (leaving.length === 0 || leaving.length === mine.length) {
        const why =
          mine.length === 1
            ? `Your ${platform} account is the only account linked to your data`
            : `Every account linked to your data is on ${platform}`;
        throw new UserError(
          `${why}, so unlinking it would leave your data without any account. ` +
            'To erase everything instead, use `/forget`.',
          'LAST_IDENTITY',
        );
      }
      for (const identity of leaving) await detachIdentity(db, identity.id);
      deps.identities.forget(userId);
      return leaving;
    },
  };
}
