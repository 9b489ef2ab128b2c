const DAY_MS = 86_400_000;

/** An ISO week in UTC: its label (2026-W47) and its bounds [start, end). */
export interface UtcWeek {
  period: string;
  start: Date;
  end: Date;
}

/**
 * The ISO week holding `at`, in UTC. Channel posts use UTC weeks: a channel's members live in many time
 * zones, and one shared boundary keeps a week's figures the same for everyone.
 */
export function utcWeekOf(at: Date): UtcWeek {
  const day = Math.floor(at.getTime() / DAY_MS);
  // 1970-01-01 was a Thursday: ISO weekday 4.
  const weekday = ((day + 3) % 7) + 1;
  const monday = day - (weekday - 1);
  const thursday = new Date((monday + 3) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const firstThursdayDay = Math.floor(Date.UTC(year, 0, 4) / DAY_MS);
  const firstMonday = firstThursdayDay - (((firstThursdayDay + 3) % 7) + 1 - 1);
  const week = Math.floor((monday - firstMonday) / 7) + 1;
  return {
    period: `${year}-W${String(week).padStart(2, '0')}`,
    start: new Date(monday * DAY_MS),
    end: new Date((monday + 7) * DAY_MS),
  };
}

/** The week before `week`. */
export function weekBefore(week: UtcWeek): UtcWeek {
  return utcWeekOf(new Date(week.start.getTime() - DAY_MS));
}
