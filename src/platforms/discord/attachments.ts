import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Reply, ReplyFile } from '../../core/commands/index.js';

/**
 * Discord's upload limit when an interaction does not say otherwise: 10 MiB (servers with boosts allow
 * more, and every interaction carries its own `attachment_size_limit`).
 */
export const DEFAULT_ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024;

const gzipAsync = promisify(gzip);

/** Where to get what Discord cannot carry. */
const ANOTHER_WAY =
  'If you also use MoodScale on Slack, link the accounts with `/link` and run the command there (Slack ' +
  'takes much larger files), or ask whoever runs this MoodScale for a copy.';

const sizeOf = (file: ReplyFile): number =>
  typeof file.data === 'string' ? Buffer.byteLength(file.data, 'utf8') : file.data.byteLength;

/** Sizes as Discord shows them (its "MB" are MiB): "10 MB", "12.4 MB", "800 KB". */
export function formatSize(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  const mb = bytes / (1024 * 1024);
  return `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB`;
}

const listOf = (names: readonly string[]): string =>
  names.length < 2 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;

const withNote = (reply: Reply, note: string): string =>
  [reply.text, note].filter((part) => part !== '').join('\n\n');

/**
 * The reply with files Discord accepts: unchanged when they fit `limitBytes` together; otherwise each
 * file gzipped (an export's JSON and CSV shrink about tenfold), and, in their order (the export's
 * complete JSON first), those that still do not fit left out, with a note saying which, how large, and
 * where to get them instead.
 */
export async function fitAttachments(reply: Reply, limitBytes: number): Promise<Reply> {
  const files = reply.files ?? [];
  if (files.reduce((sum, file) => sum + sizeOf(file), 0) <= limitBytes) return reply;
  const compressed = await Promise.all(
    files.map(
      async (file): Promise<ReplyFile> => ({
        name: `${file.name}.gz`,
        contentType: 'application/gzip',
        data: await gzipAsync(file.data),
      }),
    ),
  );
  const kept: ReplyFile[] = [];
  const dropped: string[] = [];
  let room = limitBytes;
  for (const file of compressed) {
    const size = sizeOf(file);
    if (size <= room) {
      kept.push(file);
      room -= size;
    } else {
      dropped.push(`\`${file.name.slice(0, -'.gz'.length)}\` (${formatSize(size)} compressed)`);
    }
  }
  const limit = formatSize(limitBytes);
  const notes: string[] = [];
  if (kept.length > 0) {
    notes.push(
      `${listOf(kept.map((file) => `\`${file.name}\``))} ${kept.length === 1 ? 'is' : 'are'} compressed ` +
        `with gzip to fit Discord's upload limit of ${limit}: any archive tool opens ${kept.length === 1 ? 'it' : 'them'}.`,
    );
  }
  if (dropped.length > 0) {
    notes.push(
      `${listOf(dropped)} did not fit within Discord's upload limit of ${limit} here, so ` +
        `${dropped.length === 1 ? 'it is' : 'they are'} not attached. ${ANOTHER_WAY}`,
    );
  }
  return { ...reply, text: withNote(reply, notes.join('\n')), files: kept };
}

/** The reply without its files, saying Discord refused them as too large (40005). */
export function withoutFiles(reply: Reply): Reply {
  const names = (reply.files ?? []).map((file) => `\`${file.name}\``);
  const note =
    `Discord refused ${listOf(names)} as too large for an upload here, so ${names.length === 1 ? 'it is' : 'they are'} ` +
    `not attached. ${ANOTHER_WAY}`;
  return { ...reply, text: withNote(reply, note), files: [] };
}
