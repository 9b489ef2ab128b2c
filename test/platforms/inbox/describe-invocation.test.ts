import { describe, expect, it } from 'vitest';
import type { IncomingFile } from '../../../src/core/commands/index.js';
import { describeInvocation } from '../../../src/platforms/inbox/delivery-runner.js';

const file: IncomingFile = {
  name: 'daylio_export.csv',
  size: 3,
  read: () => Promise.resolve(new Uint8Array(3)),
};

describe('how a resumed delivery names the command it answers', () => {
  it('GIVEN a Discord command with an attached file THEN the note names the file, not an object', () => {
    const described = describeInvocation(
      {
        identity: { platform: 'discord', workspaceId: '', externalUserId: '1' },
        command: 'import',
        input: { values: { file, action: 'yes' } },
      },
      new Date('2026-12-05T10:02:00Z'),
    );
    expect(described).toBe('`/import daylio_export.csv yes` from 10:02 UTC');
  });
});
