import {
  type ParsedImport,
  type ParseImportInput,
  parseImportFile,
} from '../../../src/services/import/parse-import.js';

/** "Now" in every test: Tuesday 2024-03-05 22:00 UTC. */
export const NOW = new Date('2024-03-05T22:00:00Z');

export const ME = { platform: 'discord', platformUserId: '111' };

/** parseImportFile with test defaults: Europe/London, NOW, Discord user 111, the default limits. */
export function parse(content: string | Uint8Array, overrides: Partial<ParseImportInput> = {}): ParsedImport {
  return parseImportFile(input(content, overrides));
}

export function input(
  content: string | Uint8Array,
  overrides: Partial<ParseImportInput> = {},
): ParseImportInput {
  return {
    name: 'file.csv',
    bytes: typeof content === 'string' ? new TextEncoder().encode(content) : content,
    timeZone: 'Europe/London',
    now: NOW,
    importer: { identities: [ME] },
    limits: { maxEntries: 10_000, maxBytes: 5 * 1024 * 1024 },
    ...overrides,
  };
}

/** The UserError parseImportFile throws for `content`, or a failure when it throws none. */
export function refusal(
  content: string | Uint8Array,
  overrides: Partial<ParseImportInput> = {},
): Error & { code?: string } {
  try {
    parse(content, overrides);
  } catch (error) {
    if (error instanceof Error && error.name === 'UserError') return error;
    throw error;
  }
  throw new Error('expected a refusal, but the file was accepted');
}

/** Lines joined with CRLF, as Daylio and spreadsheets write them. */
export const crlf = (...lines: string[]): string => `${lines.join('\r\n')}\r\n`;
