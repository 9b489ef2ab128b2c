import type { Platform } from './commands/index.js';

/** One chat account: the platform, its workspace ('' on Discord and the console) and the user's id there. */
export interface IdentityKey {
  platform: Platform;
  workspaceId: string;
  externalUserId: string;
}
