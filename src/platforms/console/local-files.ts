import { createReadStream, type Stats, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, isAbsolute, resolve } from 'node:path';
import {
  collectBytes,
  type FileResolver,
  fileTooLarge,
  type IncomingFile,
} from '../../core/commands/index.js';
import { isUserError, UserError } from '../../core/errors.js';

/** Where relative paths start and what `~` stands for. */
export interface LocalFileOptions {
  /** The working directory relative paths are read from; process.cwd() when not given. */
  cwd?: string;
  /** What a leading `~` stands for; the user's home directory when not given. */
  home?: string;
}

/**
 * Files in the console: what is typed for a file option is a path on this computer (a leading `~` is
 * the home directory; a relative path starts from the working directory). A path that names no file is
 * a UserError at once ("No file at ..."); the bytes are read when the command asks, size checked first.
 * The console's adapter, not core, touches the file system: core only sees the IncomingFile.
 */
export function localFiles(options: LocalFileOptions = {}): FileResolver {
  const cwd = options.cwd ?? process.cwd();
  const home = options.home ?? homedir();
  return {
    typed: true,
    open(typed) {
      if (typed === undefined) return undefined;
      return localFile(expandPath(typed, cwd, home));
    },
    claims: looksLikePath,
    missing: (command) =>
      `Give the path of the file, for example \`/${command} ~/Downloads/export.csv\` (a relative path starts from ${cwd}).`,
  };
}

/** `~` and `~/x` from the home directory, a relative path from `cwd`; absolute paths as they are. */
export function expandPath(typed: string, cwd: string, home: string): string {
  if (typed === '~') return home;
  if (typed.startsWith('~/') || typed.startsWith('~\\')) return resolve(home, typed.slice(2));
  return isAbsolute(typed) ? resolve(typed) : resolve(cwd, typed);
}

/**
 * A word meant as a path: it starts with `~`, `/`, `.` or a drive letter, or has a slash, backslash or
 * dot in it (daylio_export.csv). "confirm" is not one, so it goes to the option after an optional file.
 */
export function looksLikePath(word: string): boolean {
  return /^(?:~|\.|\/|[A-Za-z]:[\\/])/.test(word) || /[/\\.]/.test(word);
}

function statOf(path: string): Stats {
  try {
    return statSync(path);
  } catch (error) {
    throw unreadable(path, error);
  }
}

/** The file at `path` (absolute), checked to exist and be a file. */
function localFile(path: string): IncomingFile {
  const found = statOf(path);
  if (!found.isFile())
    throw new UserError(`${path} is a folder, not a file. Give the path of a file in it.`, 'NOT_A_FILE');
  const name = basename(path);
  return {
    name,
    size: found.size,
    async read(maxBytes) {
      // Stat again: the file may have changed since the command was typed.
      let size: number;
      try {
        size = (await stat(path)).size;
      } catch (error) {
        throw unreadable(path, error);
      }
      if (size > maxBytes) throw fileTooLarge(name, maxBytes, size);
      try {
        // `end` is inclusive: at most one byte past the limit is read, enough to notice a file that grew.
        return await collectBytes(createReadStream(path, { end: maxBytes }), maxBytes, name);
      } catch (error) {
        if (isUserError(error)) throw error;
        throw unreadable(path, error);
      }
    },
  };
}

/** What a failed stat or read says to the user: no file there, no permission, or the system's reason. */
function unreadable(path: string, error: unknown): UserError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new UserError(`No file at ${path}`, 'NO_SUCH_FILE');
  if (code === 'EACCES' || code === 'EPERM') {
    return new UserError(
      `I may not read ${path} (permission denied). Check its permissions, or copy it somewhere readable.`,
      'FILE_NOT_READABLE',
    );
  }
  return new UserError(`I could not read ${path} (${code ?? 'unknown error'}).`, 'FILE_NOT_READABLE');
}
