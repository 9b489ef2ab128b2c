import type { FileResolver, IncomingFile } from '../../core/commands/index.js';
import { UserError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { remoteFile } from '../file-download.js';
import { filesListSchema, type SlackFile, slackApiFailure, slackFileSchema } from './payloads.js';
import { type WebClient, withRateLimit } from './slack-api.js';

/** A file shared in the DM this long before the command is the one it reads. */
export const SHARED_FILE_WINDOW_MS = 30 * 60_000;
/** Files shared up to this long after the command's arrival still count (Slack's clock against ours). */
const CLOCK_SKEW_MS = 60_000;
/** Files asked of files.list; the newest one counts, the rest guard against odd entries. */
const FILES_ASKED = 20;

/** What a user is told when no file is found: share it in the DM, then run the command again. */
export function noSharedFile(command: string): string {
  return (
    `I found no file you shared with me in the last ${SHARED_FILE_WINDOW_MS / 60_000} minutes. Share the file ` +
    `in your direct message with MoodScale (its Messages tab), then run /${command} again.`
  );
}

const MISSING_PERMISSION =
  'MoodScale cannot see the files you share with it in this workspace: its Slack app lacks the files:read ' +
  'permission. Ask whoever runs MoodScale to update the app from slack-manifest.yaml and reinstall it.';

/** What finding a user's shared file needs. */
export interface SharedFileDeps {
  api: WebClient;
  /** The bot token, which Slack's file URLs demand. */
  botToken: string;
  /** The user's DM channel with the bot (conversations.open, remembered). */
  openDm: (userId: string) => Promise<string>;
  log: Logger;
  /** SLACK_API_URL when set: files served from its origin (a proxy, a test's fake) get the token too. */
  apiUrl?: string | undefined;
}

/**
 * The FileResolver of a Slack command: the newest file `userId` shared in their DM with the bot from
 * SHARED_FILE_WINDOW_MS before the command arrived (`receivedAt`, so a run resumed after a crash picks
 * the same file), found with files.list (`channel`, `user`, `ts_from`; bot scope files:read). Files
 * are not typed on Slack; a required file option with none found says to share one first. When Slack
 * cannot be asked (no files:read scope, an outage) the command is not run: a UserError says why, as a
 * command with an optional file could only answer "which file?" (the log says it too).
 */
export async function sharedFileResolver(
  deps: SharedFileDeps,
  userId: string,
  receivedAt: number,
): Promise<FileResolver> {
  const file = await newestSharedFile(deps, userId, receivedAt);
  return { typed: false, open: () => file, missing: noSharedFile };
}

/** The newest file the user shared in the DM within the window, or undefined. */
async function newestSharedFile(
  deps: SharedFileDeps,
  userId: string,
  receivedAt: number,
): Promise<IncomingFile | undefined> {
  const from = Math.floor((receivedAt - SHARED_FILE_WINDOW_MS) / 1000);
  const to = Math.ceil((receivedAt + CLOCK_SKEW_MS) / 1000);
  let answer: unknown;
  try {
    const channel = await deps.openDm(userId);
    answer = await withRateLimit(() =>
      deps.api.files.list({ channel, user: userId, ts_from: String(from), count: FILES_ASKED }),
    );
  } catch (error) {
    const failure = slackApiFailure(error);
    if (failure?.error === 'missing_scope') {
      deps.log.warn(
        { needed: failure.needed ?? 'files:read' },
        'Slack refused files.list: the app lacks the files:read scope; add it (slack-manifest.yaml) and reinstall',
      );
      throw new UserError(MISSING_PERMISSION, 'SLACK_FILES_NOT_ALLOWED');
    }
    deps.log.warn({ err: error, error: failure?.error }, 'Slack files.list failed');
    throw new UserError(
      `I could not ask Slack for the file you shared (${failure?.error ?? 'no answer'}). Nothing was saved; please try again in a moment.`,
      'SLACK_FILES_FAILED',
    );
  }
  const listed = filesListSchema.safeParse(answer);
  const candidates = (listed.success ? listed.data.files : [])
    .map((item) => slackFileSchema.safeParse(item))
    .flatMap((parsed) => (parsed.success ? [parsed.data] : []))
    .filter((f) => readable(f) && f.user === userId && (f.created ?? 0) >= from && (f.created ?? 0) <= to)
    .filter((f) => {
      // The bot token goes only to Slack's own file hosts (or SLACK_API_URL's), never to a link elsewhere.
      const trusted = isSlackFileUrl(downloadUrl(f), deps.apiUrl);
      if (!trusted) deps.log.warn({ fileId: f.id }, 'a shared file is not on a Slack file host; skipped');
      return trusted;
    })
    .sort((a, b) => (b.created ?? 0) - (a.created ?? 0));
  const [newest] = candidates;
  return newest ? slackFile(newest, deps.botToken) : undefined;
}

/** A hosted file with bytes to download (not a link to another service, nor deleted). */
function readable(file: SlackFile): boolean {
  return downloadUrl(file) !== '' && file.mode !== 'external' && file.mode !== 'tombstone';
}

function downloadUrl(file: SlackFile): string {
  return file.url_private_download ?? file.url_private ?? '';
}

/** https on slack.com or a subdomain (files.slack.com), or the origin of SLACK_API_URL when set. */
export function isSlackFileUrl(url: string, apiUrl: string | undefined): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (apiUrl !== undefined && URL.canParse(apiUrl) && new URL(apiUrl).origin === parsed.origin) return true;
  return (
    parsed.protocol === 'https:' &&
    (parsed.hostname === 'slack.com' || parsed.hostname.endsWith('.slack.com'))
  );
}

/**
 * A Slack file as an IncomingFile: its url_private_download fetched with `Authorization: Bearer <bot
 * token>`. Slack answers a request without a token it accepts with its sign-in page (status 200, HTML),
 * which is refused here rather than read as the file.
 */
export function slackFile(file: SlackFile, botToken: string): IncomingFile {
  const name = file.name ?? file.title ?? file.id;
  const url = downloadUrl(file);
  const isHtml = /html/i.test(file.mimetype ?? '');
  return remoteFile({
    url,
    headers: { authorization: `Bearer ${botToken}` },
    name,
    size: file.size,
    from: 'Slack',
    whenGone: 'Share the file in your direct message with MoodScale again, then run the command once more.',
    check(response) {
      if (!isHtml && /text\/html/i.test(response.headers.get('content-type') ?? '')) {
        throw new UserError(
          `Slack did not let MoodScale download ${name} (it answered with its sign-in page). Ask whoever ` +
            'runs MoodScale to check its Slack app has the files:read permission (slack-manifest.yaml), then try again.',
          'SLACK_FILE_REFUSED',
        );
      }
    },
  });
}
