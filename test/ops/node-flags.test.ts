import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RUNTIME_NODE_FLAGS } from '../../src/ops/node-flags.js';

const root = join(import.meta.dirname, '../..');
const scripts = z
  .object({ scripts: z.record(z.string(), z.string()) })
  .parse(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))).scripts;

describe('GIVEN the Node.js options the bot starts with (src/ops/node-flags.ts)', () => {
  it.each(RUNTIME_NODE_FLAGS)('THEN `npm start` passes %s to node', (flag) => {
    expect(scripts.start?.split(' ')).toContain(flag);
  });

  it.each(RUNTIME_NODE_FLAGS)('THEN the Docker image starts node with %s', (flag) => {
    const cmd = readFileSync(join(root, 'Dockerfile'), 'utf8')
      .split('\n')
      .find((line) => line.startsWith('CMD '));
    expect(cmd).toContain(`"${flag}"`);
  });

  it.each(RUNTIME_NODE_FLAGS)('THEN bench/memory measures the bot with %s', (flag) => {
    expect(scripts['bench:memory']?.split(' ')).toContain(flag);
  });

  it('THEN each is an option node accepts (an unknown one would stop the start)', () => {
    for (const flag of RUNTIME_NODE_FLAGS) {
      expect(process.allowedNodeEnvironmentFlags.has(flag.split('=')[0] ?? flag)).toBe(true);
    }
  });
});
