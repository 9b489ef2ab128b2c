import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { plural as commandsPlural } from '../../commands/format.js';
import { plural } from '../../src/core/plural.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Every TypeScript file under `dir`, relative to the repository. */
function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => relative(root, join(root, dir, file)));
}

describe('plural (counts in answers and CLI output such as "npm run restore")', () => {
  it.each([
    [1, 'row', undefined, '1 row'],
    [0, 'row', undefined, '0 rows'],
    [2, 'table', undefined, '2 tables'],
    [1, 'entry', 'entries', '1 entry'],
    [3, 'entry', 'entries', '3 entries'],
  ])('GIVEN %i and "%s" THEN it reads "%s"', (n, one, many, expected) => {
    expect(plural(n, one, many)).toBe(expected);
  });

  it('GIVEN the formats commands use (commands/format.ts) THEN their plural is the shared one', () => {
    expect(commandsPlural).toBe(plural);
  });

  it('GIVEN the code in src and commands THEN plural is written once, in src/core/plural.ts', () => {
    const definitions = [...sourceFiles('src'), ...sourceFiles('commands')].filter((file) =>
      /\b(function\s+plural\b|(const|let)\s+plural\s*=)/.test(readFileSync(join(root, file), 'utf8')),
    );
    expect(definitions).toEqual(['src/core/plural.ts']);
  });
});
