import { UserError } from '../errors.js';

/**
 * A file the user gave a command: attached to a Discord command, shared in the DM with the bot on
 * Slack, or a local path in the console. Each platform adapter builds it; a command only reads it.
 */
export interface IncomingFile {
  /** The file name as uploaded ("daylio_export.csv"). */
  readonly name: string;
  /** Bytes, when the platform says. */
  readonly size: number | undefined;
  /**
   * The bytes. Throws a UserError saying the limit and how to get under it when the file is larger than
   * `maxBytes` (checked on `size` first when known, and the reading stops past `maxBytes` when not); a
   * network failure is a UserError that says to try again.
   */
  read(maxBytes: number): Promise<Uint8Array>;
}

/** Whether `value` is an IncomingFile (what a platform delivers for a file option). */
export function isIncomingFile(value: unknown): value is IncomingFile {
  if (typeof value !== 'object' || value === null) return false;
  const file = value as Partial<Record<keyof IncomingFile, unknown>>;
  return (
    typeof file.name === 'string' &&
    (file.size === undefined || typeof file.size === 'number') &&
    typeof file.read === 'function'
  );
}

/**
 * How a platform whose commands arrive as typed text (Slack, the console) gives a command its files.
 * Discord needs none: its interactions carry the attachment, which the adapter turns into an
 * IncomingFile among the delivered values.
 */
export interface FileResolver {
  /**
   * true: a file option takes a word of the typed text like any option, which `open` turns into the
   * file (the console's local path). false: it takes no words, and `open` is called with undefined
   * (Slack, where the file was shared in the DM before the command).
   */
  readonly typed: boolean;
  /**
   * The file for one file option, or undefined when there is none. `typed` is what was typed for the
   * option (undefined when nothing was, or when files are not typed). Throws a UserError when what was
   * typed names no file ("No file at ~/x.csv").
   */
  open(typed: string | undefined): IncomingFile | undefined;
  /**
   * Typed files only: whether a positional word is meant as the file (the console: it looks like a
   * path). An optional file option passes over a word it does not claim to the next option, so
   * "/import confirm 12" is not read as a file named "confirm". Every word is claimed when absent.
   */
  claims?(word: string): boolean;
  /**
   * What a required file option with no file tells the user: how to give one here, e.g. "Share the file
   * in your direct message with MoodScale, then run /import again." `command` is its name without '/'.
   */
  missing(command: string): string;
}

/** Sizes as people read them: "800 bytes", "12 KB", "10 MB", "1.5 MB" (1 KB = 1024 bytes). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const [value, unit] = bytes < 1024 * 1024 ? [bytes / 1024, 'KB'] : [bytes / (1024 * 1024), 'MB'];
  const shown = value >= 10 || Number.isInteger(value) ? String(Math.round(value)) : value.toFixed(1);
  return `${shown} ${unit}`;
}

/**
 * The UserError for a file over the limit: its size when known, the limit, and how to get under it.
 * `size` undefined means the reading stopped past the limit.
 */
export function fileTooLarge(name: string, maxBytes: number, size?: number): UserError {
  const how = size === undefined ? 'is larger than' : `is ${formatBytes(size)}, more than`;
  return new UserError(
    `${name} ${how} the ${formatBytes(maxBytes)} I can read. Make it smaller (export a shorter period, ` +
      'or split it into several files) and send it again.',
    'FILE_TOO_LARGE',
  );
}

/**
 * Collects the chunks of a byte stream, giving up with fileTooLarge as soon as they exceed `maxBytes`
 * (the caller's stream is then left unread; breaking out of `for await` cancels it).
 */
export async function collectBytes(
  chunks: AsyncIterable<Uint8Array>,
  maxBytes: number,
  name: string,
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of chunks) {
    total += chunk.byteLength;
    if (total > maxBytes) throw fileTooLarge(name, maxBytes);
    parts.push(chunk);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  return bytes;
}
