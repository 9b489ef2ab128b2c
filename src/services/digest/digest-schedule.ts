import { isoWeekOf, localParts, previousWeek } from '../../core/calendar/index.js';

/** When a user wants the digest: user_settings' digest_day (ISO, 1 = Monday), digest_hour, time_zone. */
export interface DigestSlot {
  timeZone: string;
  digestDay: number;
  digestHour: number;
}

/**
 * The week whose digest is due at `now` for a user, or undefined when their chosen day and hour have not
 * arrived yet in their own time zone this (local) week. A digest covers the last full week, Monday to
 * Sunday, before the local week it is sent in; once the slot has passed it stays due for the rest of that
 * local week, so an hourly run that was missed (the bot was down) catches up, and a new week moves on.
 */
export function dueDigestPeriod(now: Date, slot: DigestSlot): string | undefined {
  const local = localParts(now, slot.timeZone);
  const arrived =
    local.isoWeekday > slot.digestDay ||
    (local.isoWeekday === slot.digestDay && local.hour >= slot.digestHour);
  return arrived ? previousWeek(isoWeekOf(local.date)) : undefined;
}
