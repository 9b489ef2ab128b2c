import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { saveNewFile } from '../../src/platforms/save-file.js';
import { tempDir } from '../support/temp-dir.js';

describe('saveNewFile (where the console writes /export files)', () => {
  it('GIVEN a directory that does not exist yet THEN it is made and the file written there, readable only by its owner', () => {
    const dir = join(tempDir('moodscale-save-file-'), 'exports');

    const path = saveNewFile(dir, 'moodscale-export-a.json', '{"a":1}');

    expect(path).toBe(join(dir, 'moodscale-export-a.json'));
    expect(readFileSync(path, 'utf8')).toBe('{"a":1}');
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('GIVEN a file of that name already THEN it is kept and the new one gets a numbered name', () => {
    const dir = tempDir('moodscale-save-file-');

    const first = saveNewFile(dir, 'moodscale-export-a.json', 'first');
    const second = saveNewFile(dir, 'moodscale-export-a.json', 'second');
    const third = saveNewFile(dir, 'moodscale-export-a.json', 'third');

    expect([first, second, third]).toEqual([
      join(dir, 'moodscale-export-a.json'),
      join(dir, 'moodscale-export-a-2.json'),
      join(dir, 'moodscale-export-a-3.json'),
    ]);
    expect(readFileSync(first, 'utf8')).toBe('first');
    expect(readdirSync(dir)).toHaveLength(3);
  });
});
