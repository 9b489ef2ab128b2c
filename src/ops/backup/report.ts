import type { TableCounts } from './table-counts.js';

/** "12.3 KB": backups are read by people choosing which one to restore. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}

/** One line per table, names aligned, counts right-aligned. */
export function formatCounts(counts: TableCounts): string[] {
  const entries = Object.entries(counts).sort(([a], [b]) => a.localeCompare(b));
  const width = Math.max(0, ...entries.map(([t]) => t.length));
  const digits = Math.max(0, ...entries.map(([, n]) => String(n).length));
  return entries.map(([table, n]) => `  ${table.padEnd(width)}  ${String(n).padStart(digits)}`);
}
