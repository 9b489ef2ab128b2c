import type { Db } from '../db/database.js';
import type { IdentityKey } from '../db/repositories/chat-identities.js';
import { getUserSettings, type SettingsPatch, updateUserSettings } from '../db/repositories/user-settings.js';
import type { UserSettings } from '../db/schema/index.js';
import type { IdentityService } from './identity-service.js';

/** A user's settings and a change to them, as /settings reads and writes them. */
export type { SettingsPatch, UserSettings };

export interface SettingsService {
  get(userId: number): Promise<UserSettings>;
  update(userId: number, patch: SettingsPatch): Promise<UserSettings>;
  /** Records that a platform refused a direct message to the account; the user hears of it next time. */
  markDirectMessagesBlocked(key: IdentityKey): Promise<void>;
}

export function createSettingsService(deps: {
  db: Db;
  identities: IdentityService;
  /** Told of every change, so caches holding the old values (e.g. days in the old zone) drop them. */
  onChange?: (userId: number) => void;
}): SettingsService {
  return {
    get: (userId) => getUserSettings(deps.db, userId),
    async update(userId, patch) {
      const updated = await updateUserSettings(deps.db, userId, patch);
      // The cached user carries the time zone; the next command must see the new one.
      deps.identities.forget(userId);
      deps.onChange?.(userId);
      return updated;
    },
    async markDirectMessagesBlocked(key) {
      const user = await deps.identities.resolve(key);
      await updateUserSettings(deps.db, user.id, { dmBlockedAt: new Date() });
      deps.identities.forget(user.id);
    },
  };
}
