import type { Platform } from './commands/index.js';

/** One chat account: the platform, its workspace ('' on Discord and the console) and the user's id there. */
export interface IdentityKey {
  platform: Platform;
  workspaceId: string;
  externalUserId: string;
}

/**
 * A chat account's name: platform, workspace and user id ('console:alice', 'slack:T024:U123'). A new
 * account's user gets it as its username; after /link joins two accounts the username is the kept one's,
 * so what names a person's own account (their export's file name) is this.
 */
export function accountName(key: IdentityKey): string {
  return [key.platform, key.workspaceId, key.externalUserId].filter(Boolean).join(':');
}
