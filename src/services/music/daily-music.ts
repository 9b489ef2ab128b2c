import type { LocalDate } from '../../core/calendar/index.js';

/** How a day's music sounded: mean energy and positivity (valence), 0 to 1; null when none was known. */
export interface DayMusic {
  energy: number | null;
  positivity: number | null;
}

const usable = (v: number | null): v is number => v !== null && Number.isFinite(v);
const round3 = (v: number) => Math.round(v * 1000) / 1000;

/**
 * Per local day, the mean energy and valence of the analysed tracks of that day (the rows of
 * musicBetween in db/repositories/digest-data.ts, the digest's own query), as the digest's week does.
 */
export function dailyMusic(
  rows: ReadonlyArray<{ day: LocalDate; energy: number | null; valence: number | null }>,
): Map<LocalDate, DayMusic> {
  const sums = new Map<LocalDate, { e: number; en: number; v: number; vn: number }>();
  for (const row of rows) {
    const s = sums.get(row.day) ?? { e: 0, en: 0, v: 0, vn: 0 };
    if (usable(row.energy)) {
      s.e += row.energy;
      s.en++;
    }
    if (usable(row.valence)) {
      s.v += row.valence;
      s.vn++;
    }
    sums.set(row.day, s);
  }
  const days = new Map<LocalDate, DayMusic>();
  for (const [day, s] of sums) {
    days.set(day, {
      energy: s.en > 0 ? round3(s.e / s.en) : null,
      positivity: s.vn > 0 ? round3(s.v / s.vn) : null,
    });
  }
  return days;
}
