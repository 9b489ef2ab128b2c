import { editDistance } from './edit-distance.js';

/** Inputs longer than this are not compared by edit distance (no time zone name is this long). */
const MAX_QUERY = 64;

interface TimeZoneIndex {
  readonly names: readonly string[];
  readonly byLowerCase: ReadonlyMap<string, string>;
}

let index: TimeZoneIndex | undefined;

function timeZoneIndex(): TimeZoneIndex {
  if (!index) {
    const names = [...new Set([...Intl.supportedValuesOf('timeZone'), 'UTC'])].sort();
    index = { names, byLowerCase: new Map(names.map((name) => [name.toLowerCase(), name])) };
  }
  return index;
}

/** Every time zone name a user may choose: the runtime's IANA list plus 'UTC'. */
export function timeZoneNames(): readonly string[] {
  return timeZoneIndex().names;
}

/** How a user's spelling is compared: lower case, spaces as underscores ("new york" -> "new_york"). */
function normaliseQuery(input: string): string {
  return input.trim().replace(/\s+/g, '_').toLowerCase();
}

/**
 * The canonical spelling of a time zone name, matched case-insensitively, or undefined. A name missing
 * from the list that the runtime still resolves to one in it is accepted as that name: Node 20's ICU
 * lists 'Asia/Calcutta' and 'Europe/Kiev', so 'Asia/Kolkata' and 'Europe/Kyiv' become those, and
 * 'Etc/UTC' or 'GMT' become 'UTC'. A city alone is enough when only one name ends in it ('berlin',
 * 'new york').
 */
export function canonicalTimeZone(input: string): string | undefined {
  const { byLowerCase } = timeZoneIndex();
  const key = normaliseQuery(input);
  const exact = byLowerCase.get(key);
  if (exact !== undefined) return exact;
  const byCity = cityMatch(key);
  if (byCity !== undefined) return byCity;
  if (!/^[a-z0-9_+\-/]{1,64}$/.test(key)) return undefined;
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: key }).resolvedOptions().timeZone;
    return byLowerCase.get(resolved.toLowerCase());
  } catch {
    return undefined;
  }
}

function cityMatch(key: string): string | undefined {
  if (key.includes('/')) return undefined;
  const found = timeZoneNames().filter((name) => name.toLowerCase().endsWith(`/${key}`));
  return found.length === 1 ? found[0] : undefined;
}

/**
 * Up to `limit` names the user probably meant: names containing what was typed first (shortest first),
 * then names (or their last part, the city) within a small edit distance, nearest first.
 */
export function closeTimeZones(input: string, limit = 3): string[] {
  const query = normaliseQuery(input);
  if (query.length === 0 || query.length > MAX_QUERY) return [];
  const allowed = query.length <= 4 ? 1 : query.length <= 8 ? 2 : 3;
  const ranked: { name: string; rank: number }[] = [];
  for (const name of timeZoneNames()) {
    const lower = name.toLowerCase();
    const city = lower.slice(lower.lastIndexOf('/') + 1);
    if (query.length >= 3 && lower.includes(query)) {
      ranked.push({ name, rank: 0 });
      continue;
    }
    const distance = Math.min(
      editDistance(query, lower),
      query.includes('/') ? Number.POSITIVE_INFINITY : editDistance(query, city),
    );
    if (distance <= allowed) ranked.push({ name, rank: distance });
  }
  return ranked
    .sort((a, b) => a.rank - b.rank || a.name.length - b.name.length || a.name.localeCompare(b.name))
    .slice(0, Math.max(0, limit))
    .map(({ name }) => name);
}

/**
 * Names for autocomplete, case-insensitively: those starting with what was typed, then those with a part
 * (after a '/') starting with it, then those containing it. An empty query lists names in order.
 */
export function matchTimeZones(partial: string, limit: number): string[] {
  const query = normaliseQuery(partial);
  const names = timeZoneNames();
  const prefix: string[] = [];
  const partPrefix: string[] = [];
  const substring: string[] = [];
  for (const name of names) {
    const lower = name.toLowerCase();
    if (lower.startsWith(query)) prefix.push(name);
    else if (lower.split('/').some((part) => part.startsWith(query))) partPrefix.push(name);
    else if (lower.includes(query)) substring.push(name);
  }
  return [...prefix, ...partPrefix, ...substring].slice(0, Math.max(0, limit));
}
