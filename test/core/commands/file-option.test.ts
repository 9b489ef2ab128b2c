import { describe, expect, expectTypeOf, it } from 'vitest';
import { defineCommand } from '../../../src/core/commands/define-command.js';
import {
  collectBytes,
  type FileResolver,
  fileTooLarge,
  formatBytes,
  type IncomingFile,
  isIncomingFile,
} from '../../../src/core/commands/files.js';
import {
  describeOption,
  renderCommandHelp,
  renderHelp,
  renderUsage,
} from '../../../src/core/commands/help.js';
import { opt, type TypedOptions } from '../../../src/core/commands/options.js';
import { parseCommandText, parseStructuredOptions } from '../../../src/core/commands/parse-text.js';
import { reply } from '../../../src/core/commands/reply.js';
import { UserError } from '../../../src/core/errors.js';

/** A file a platform would hand over; `read` gives `text`. */
function fileNamed(name: string, text = 'a,b\n1,2\n'): IncomingFile {
  const bytes = new TextEncoder().encode(text);
  return { name, size: bytes.byteLength, read: () => Promise.resolve(bytes) };
}

/** Like /import: an optional file first, then an action and an id. */
const importShape = {
  name: 'import',
  options: {
    file: opt.file({ description: 'The export to read' }),
    action: opt.text({ description: 'confirm or cancel', max: 20 }),
    id: opt.integer({ description: 'The import', min: 1, max: 1000 }),
  },
};

/** Like the test command: one required file. */
const readShape = {
  name: 'readfile',
  options: { file: opt.file({ description: 'The file to read', required: true }) },
};

/** Slack's way: files are not typed; `found` is the file shared in the DM. */
function sharedFiles(found: IncomingFile | undefined): FileResolver {
  return {
    typed: false,
    open: (typed) => {
      if (typed !== undefined) throw new Error('an untyped file was given a word');
      return found;
    },
    missing: (command) => `Share the file in your direct message with MoodScale, then run /${command} again.`,
  };
}

/** The console's way: a typed path; `claims` as its path test. */
function typedPaths(): FileResolver & { opened: (string | undefined)[] } {
  const opened: (string | undefined)[] = [];
  return {
    opened,
    typed: true,
    open(typed) {
      opened.push(typed);
      return typed === undefined ? undefined : fileNamed(typed);
    },
    claims: (word) => /[/.~]/.test(word),
    missing: (command) => `Give the path, for example /${command} ~/a.csv.`,
  };
}

describe('opt.file', () => {
  it('GIVEN a file option THEN its kind is file and it keeps description, label and required', () => {
    const option = opt.file({ description: 'The export', label: 'export file', required: true });
    expect(option).toMatchObject({
      kind: 'file',
      description: 'The export',
      label: 'export file',
      required: true,
    });
  });

  it('GIVEN a blank description THEN declaring it is an Error', () => {
    expect(() => opt.file({ description: ' ' })).toThrow(
      "A file option's description must be 1 to 100 characters",
    );
  });

  it('GIVEN an IncomingFile THEN resolve hands it over as it is', () => {
    const file = fileNamed('a.csv');
    expect(readShape.options.file.resolve(file, { name: 'file', example: '/readfile' })).toBe(file);
  });

  it('GIVEN text where a file is expected THEN it is a UserError saying a file is attached or shared', () => {
    expect(() => readShape.options.file.resolve('a.csv', { name: 'file', example: '/readfile' })).toThrow(
      'The file must be a file you attach or share, not text (you gave "a.csv").',
    );
  });

  it('GIVEN no file for a required option THEN the UserError says to attach one', () => {
    expect(() => readShape.options.file.resolve(undefined, { name: 'file', example: '/readfile' })).toThrow(
      'The file is missing: attach the file to the command and send it again.',
    );
  });

  it('GIVEN no file for an optional option THEN it is undefined', () => {
    expect(importShape.options.file.resolve(undefined, { name: 'file', example: '/import' })).toBeUndefined();
  });

  it('GIVEN required and optional file options THEN the handler sees IncomingFile and IncomingFile | undefined', () => {
    expectTypeOf<TypedOptions<typeof readShape.options>['file']>().toEqualTypeOf<IncomingFile>();
    expectTypeOf<TypedOptions<typeof importShape.options>['file']>().toEqualTypeOf<
      IncomingFile | undefined
    >();
  });
});

describe('a file delivered already typed (Discord)', () => {
  it('GIVEN an attachment made into an IncomingFile THEN parseStructuredOptions passes it to the handler', () => {
    const file = fileNamed('daylio.csv');
    expect(parseStructuredOptions(readShape, { file })).toEqual({ file });
  });
});

describe('typed text without a FileResolver (a platform that types no files)', () => {
  it('GIVEN an optional file first THEN it takes no words: "confirm 12" are the action and the id', () => {
    expect(parseCommandText(importShape, 'confirm 12')).toEqual({
      file: undefined,
      action: 'confirm',
      id: 12,
    });
  });

  it('GIVEN a required file THEN the UserError says to attach it', () => {
    expect(() => parseCommandText(readShape, '')).toThrow('The file is missing: attach the file');
  });
});

describe('typed text with files shared beforehand (Slack)', () => {
  it('GIVEN a shared file THEN the file option gets it and the words go to the other options', () => {
    const file = fileNamed('daylio.csv');
    expect(parseCommandText(importShape, 'confirm 12', sharedFiles(file))).toEqual({
      file,
      action: 'confirm',
      id: 12,
    });
  });

  it('GIVEN no shared file for a required option THEN the platform’s message says how to give one', () => {
    expect(() => parseCommandText(readShape, '', sharedFiles(undefined))).toThrow(
      new UserError(
        'Share the file in your direct message with MoodScale, then run /readfile again.',
        'MISSING_FILE',
      ),
    );
  });

  it('GIVEN the file named with file:x THEN the UserError says it cannot be typed here', () => {
    expect(() => parseCommandText(readShape, 'file:a.csv', sharedFiles(fileNamed('a.csv')))).toThrow(
      'The file cannot be typed here: attach or share the file instead (see /help readfile).',
    );
  });

  it('GIVEN a word where only the file is left THEN the usage in the message leaves the file out', () => {
    expect(() => parseCommandText(readShape, 'a.csv', sharedFiles(fileNamed('a.csv')))).toThrow(
      'I don\'t know where "a.csv" goes: every option of /readfile is already given. Usage: `/readfile`.',
    );
  });
});

describe('typed text with typed paths (the console)', () => {
  it('GIVEN a path first THEN the file option gets the file it names', () => {
    const files = typedPaths();
    const parsed = parseCommandText(importShape, '~/a.csv', files);
    expect(parsed.file?.name).toBe('~/a.csv');
    expect(files.opened).toEqual(['~/a.csv']);
  });

  it('GIVEN the command’s only option is the file THEN a path with spaces is the whole line', () => {
    expect(parseCommandText(readShape, 'My Files/moods 2026.csv', typedPaths()).file.name).toBe(
      'My Files/moods 2026.csv',
    );
  });

  it('GIVEN file:"a b.csv" by name THEN that path is opened', () => {
    expect(parseCommandText(importShape, 'file:"a b.csv" confirm', typedPaths())).toMatchObject({
      file: { name: 'a b.csv' },
      action: 'confirm',
    });
  });

  it('GIVEN "confirm 12" THEN an optional file passes over words that are no path', () => {
    const files = typedPaths();
    expect(parseCommandText(importShape, 'confirm 12', files)).toEqual({
      file: undefined,
      action: 'confirm',
      id: 12,
    });
    expect(files.opened).toEqual([undefined]);
  });

  it('GIVEN a required file and nothing typed THEN the platform’s message asks for the path', () => {
    expect(() => parseCommandText(readShape, '', typedPaths())).toThrow(
      'Give the path, for example /readfile ~/a.csv.',
    );
  });

  it('GIVEN a required file THEN it takes any word, path-like or not', () => {
    expect(parseCommandText(readShape, 'notes', typedPaths()).file.name).toBe('notes');
  });
});

describe('declaring a command with a file option', () => {
  it('GIVEN a usage example without the file THEN it is accepted (a file is attached or shared there)', () => {
    expect(() =>
      defineCommand({
        ...readShape,
        description: 'Read',
        usageExample: '/readfile',
        run: () => reply.private(''),
      }),
    ).not.toThrow();
  });

  it('GIVEN a usage example that types a path THEN it is refused, since Discord and Slack type no files', () => {
    expect(() =>
      defineCommand({
        ...readShape,
        description: 'Read',
        usageExample: '/readfile ~/a.csv',
        run: () => reply.private(''),
      }),
    ).toThrow('the usage example does not parse');
  });
});

describe('help for a file option', () => {
  const command = { ...importShape, description: 'Import moods' };

  it('GIVEN each platform THEN the file is attached on Discord, shared in the DM first on Slack, a path in the console', () => {
    const option = importShape.options.file;
    expect(describeOption(option, 'discord')).toBe('a file: attach the file to the command');
    expect(describeOption(option, 'slack')).toBe(
      'a file: share the file in your DM with MoodScale first, then run the command',
    );
    expect(describeOption(option, 'console')).toBe(
      'a path to a file on this computer, such as ~/Downloads/export.csv',
    );
  });

  it('GIVEN no platform THEN the one line names all three ways', () => {
    expect(describeOption(importShape.options.file)).toBe(
      'a file: attach it to the command on Discord, share it in your DM with MoodScale first on Slack, ' +
        'or type its path in the console',
    );
  });

  it('GIVEN Slack THEN the usage line leaves the file out; elsewhere it shows [file]', () => {
    expect(renderCommandHelp(command, { platform: 'slack' }).split('\n')[0]).toBe('/import [action] [id]');
    expect(renderCommandHelp(command, { platform: 'discord' }).split('\n')[0]).toBe(
      '/import [file] [action] [id]',
    );
    expect(renderUsage(command)).toBe('/import [file] [action] [id]');
    expect(renderHelp([command], { platform: 'slack' })).toContain('/import [action] [id]\n  Import moods');
  });

  it('GIVEN the console THEN the option line says a path', () => {
    expect(renderCommandHelp(command, { platform: 'console' })).toContain(
      '  file    The export to read (optional; a path to a file on this computer, such as ~/Downloads/export.csv)',
    );
  });
});

describe('reading files within a limit', () => {
  async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
    for (const part of parts) yield new TextEncoder().encode(part);
  }

  it('GIVEN chunks within the limit THEN they are joined in order', async () => {
    const bytes = await collectBytes(chunks('ab', 'cd', 'e'), 5, 'x.csv');
    expect(new TextDecoder().decode(bytes)).toBe('abcde');
  });

  it('GIVEN chunks past the limit THEN reading stops with the size message, without reading the rest', async () => {
    let pulled = 0;
    async function* counted(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 100; i++) {
        pulled++;
        yield new Uint8Array(10);
      }
    }
    await expect(collectBytes(counted(), 25, 'x.csv')).rejects.toThrow(
      'x.csv is larger than the 25 bytes I can read.',
    );
    expect(pulled).toBe(3);
  });

  it('GIVEN sizes THEN they read as bytes, KB and MB', () => {
    expect([formatBytes(800), formatBytes(12 * 1024 + 300), formatBytes(1.5 * 1024 * 1024)]).toEqual([
      '800 bytes',
      '12 KB',
      '1.5 MB',
    ]);
    expect(fileTooLarge('a.csv', 5 * 1024 * 1024, 12 * 1024 * 1024).message).toBe(
      'a.csv is 12 MB, more than the 5 MB I can read. Make it smaller (export a shorter period, or split it into several files) and send it again.',
    );
  });

  it('GIVEN values THEN only an object with a name and a read function is an IncomingFile', () => {
    expect(isIncomingFile(fileNamed('a'))).toBe(true);
    expect(isIncomingFile({ name: 'a' })).toBe(false);
    expect(isIncomingFile('a.csv')).toBe(false);
    expect(isIncomingFile(null)).toBe(false);
  });
});
