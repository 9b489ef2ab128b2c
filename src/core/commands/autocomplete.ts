import { type AnyOption, normaliseTag, type TagsOption } from './options.js';
import { matchTimeZones } from './time-zones.js';

/** One suggestion: `name` is shown, `value` goes into the option when picked. */
export interface Suggestion {
  name: string;
  value: string;
}

/** Discord refuses a suggestion whose name or value is longer than this. */
const SUGGESTION_MAX = 100;

/**
 * Suggestions for what the user is typing into `option`: tags (from the vocabulary), time zones and
 * choices; other kinds have none. Prefix matches come before substring matches, case-insensitively.
 */
export function suggest(option: AnyOption, partial: string, limit = 25): Suggestion[] {
  const count = Math.max(0, limit);
  switch (option.kind) {
    case 'tags':
      return suggestTags(option, partial, count);
    case 'timeZone':
      return matchTimeZones(partial, count).map((name) => ({ name, value: name }));
    case 'choice':
      return rank(option.choices, partial.trim().toLowerCase(), (choice) => choice.toLowerCase())
        .slice(0, count)
        .map((choice) => ({ name: choice, value: choice }));
    default:
      return [];
  }
}

/**
 * For tags the partial is a comma-separated list being typed: the last item is matched against the
 * vocabulary, and each suggestion keeps the earlier items ("tired, anx" -> "tired, anxious").
 * Vocabulary words already in the list are not suggested again.
 */
function suggestTags(option: TagsOption, partial: string, limit: number): Suggestion[] {
  const items = partial.split(',');
  const last = normaliseTag(items.pop() ?? '');
  const earlier = [...new Set(items.map(normaliseTag).filter((tag) => tag !== ''))];
  const pool = option.vocabulary.filter((tag) => !earlier.includes(tag));
  const suggestions: Suggestion[] = [];
  for (const tag of rank(pool, last, (candidate) => candidate)) {
    const value = [...earlier, tag].join(', ');
    if (value.length > SUGGESTION_MAX) continue;
    suggestions.push({ name: value, value });
    if (suggestions.length >= limit) break;
  }
  return suggestions;
}

/** Candidates starting with `query`, then those containing it elsewhere; each group in given order. */
function rank<T extends string>(candidates: readonly T[], query: string, key: (candidate: T) => string): T[] {
  const prefix = candidates.filter((candidate) => key(candidate).startsWith(query));
  const substring = candidates.filter(
    (candidate) => !key(candidate).startsWith(query) && key(candidate).includes(query),
  );
  return [...prefix, ...substring];
}
