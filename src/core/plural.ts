/** "1 row", "2 rows", "0 rows"; `many` for nouns that do not just add an s ("1 entry", "2 entries"). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
