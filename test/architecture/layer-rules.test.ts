import { execFile } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));

/** A copy of what `npm run check:layers` reads (src, commands, the rules), with node_modules linked. */
function copyOfTheCode(): string {
  const dir = mkdtempSync(join(tmpdir(), 'moodscale-layers-'));
  for (const part of ['src', 'commands', 'tsconfig.json', '.dependency-cruiser.cjs', 'package.json']) {
    cpSync(join(root, part), join(dir, part), { recursive: true });
  }
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

/** `npm run check:layers` in `dir`: its exit code and what it printed. */
async function checkLayers(dir: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(
      join(root, 'node_modules/.bin/depcruise'),
      ['src', 'commands', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'],
      { cwd: dir },
    );
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

describe('GIVEN a copy of the code with three wrong imports planted (the committed code is checked by npm run check itself)', () => {
  let dir: string | undefined;
  let result: { code: number; output: string };

  beforeAll(async () => {
    dir = copyOfTheCode();
    // A service that imports a platform, a command that imports the database layer, and a cycle.
    appendFileSync(
      join(dir, 'src/services/settings-service.ts'),
      "\nexport { createSendDirect } from '../platforms/direct-messages.js';\n",
    );
    appendFileSync(join(dir, 'commands/help.ts'), "\nexport type { Db } from '../src/db/database.js';\n");
    appendFileSync(join(dir, 'src/core/clock.ts'), "\nexport { UserError } from './errors.js';\n");
    appendFileSync(join(dir, 'src/core/errors.ts'), "\nexport type { Clock } from './clock.js';\n");
    result = await checkLayers(dir);
  }, 60_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('WHEN the layer check runs THEN it fails', () => {
    expect(result.code).not.toBe(0);
  });

  it('WHEN a service imports a platform THEN the check names the rule and the import', () => {
    expect(result.output).toContain(
      'no-platforms-below: src/services/settings-service.ts → src/platforms/direct-messages.ts',
    );
  });

  it('WHEN a command imports the database layer THEN the check names the rule and the import', () => {
    expect(result.output).toContain(
      'platforms-and-commands-use-services: commands/help.ts → src/db/database.ts',
    );
  });

  it('WHEN two modules import each other THEN the check reports the cycle', () => {
    expect(result.output).toMatch(/no-circular: src\/core\/(clock|errors)\.ts/);
  });
});
