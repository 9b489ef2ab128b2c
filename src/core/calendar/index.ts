/**
 * The calendar: calendar days and durations (days.ts), local days in a time zone (time-zones.ts) and ISO
 * weeks (iso-weeks.ts). The one place date arithmetic lives; it imports nothing outside this folder.
 */
export * from './days.js';
export * from './iso-weeks.js';
export * from './time-zones.js';
