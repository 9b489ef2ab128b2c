/**
 * Levenshtein distance (insertions, deletions and substitutions of UTF-16 units), used to suggest the
 * name a user probably meant. Two rows of memory; callers keep both strings short.
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length] ?? 0;
}

/** The candidates within `maxDistance` of `input`, nearest first (ties keep the candidates' order). */
export function closest(input: string, candidates: readonly string[], maxDistance: number): string[] {
  return candidates
    .map((candidate, index) => ({ candidate, index, distance: editDistance(input, candidate) }))
    .filter(({ distance }) => distance <= maxDistance)
    .sort((x, y) => x.distance - y.distance || x.index - y.index)
    .map(({ candidate }) => candidate);
}
