import { ConfigError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { authTestSchema, slackApiFailure } from './payloads.js';
import type { WebClient } from './slack-api.js';

/** Bot token scopes MoodScale uses, and what breaks without each (kept in step with slack-manifest.yaml). */
export const REQUIRED_SCOPES: Readonly<Record<string, string>> = {
  commands: 'slash commands do not reach MoodScale',
  'chat:write': 'direct messages (the weekly digest) cannot be sent',
  'im:write': 'direct messages cannot be opened, so /export cannot deliver its files',
  'files:write': '/export cannot upload its files',
  'files:read': 'a command cannot read the file a user shared in the direct message with MoodScale (/import)',
  'users:read': "new users get UTC instead of their Slack profile's time zone",
  'im:history': 'moods written to MoodScale in its direct messages are not logged',
  'channels:history': 'Spotify links posted in public channels are not answered',
  'groups:history': 'Spotify links posted in private channels are not answered',
  'channels:read':
    '/channel-digest on cannot check that MoodScale is in a public channel (conversations.info)',
  'groups:read':
    '/channel-digest on cannot check that MoodScale is in a private channel (conversations.info)',
};

const TOKEN_ERRORS = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
  'org_login_required',
  'team_disabled',
]);

export interface BotIdentity {
  botUserId: string | undefined;
  botId: string | undefined;
  teamId: string | undefined;
  team: string | undefined;
}

/**
 * auth.test with the bot token before anything else: a rejected token stops start-up with what to do
 * (a ConfigError naming the variable), and missing scopes are logged with what each breaks.
 */
export async function verifyBotToken(
  client: WebClient,
  logger: Logger,
  apiUrl: string | undefined,
): Promise<BotIdentity> {
  let raw: unknown;
  try {
    raw = await client.auth.test();
  } catch (error) {
    const failure = slackApiFailure(error);
    if (failure && TOKEN_ERRORS.has(failure.error)) {
      throw new ConfigError(
        `MoodScale cannot start Slack: the bot token was rejected (${failure.error}).\n` +
          '  SLACK_BOT_TOKEN: expected the Bot User OAuth Token (xoxb-...) from your Slack app > OAuth & Permissions; ' +
          'if the app was uninstalled or the token revoked, reinstall the app to the workspace and copy the new token',
      );
    }
    throw new Error(
      `MoodScale cannot reach the Slack Web API at ${apiUrl ?? 'https://slack.com/api/'} (${failure?.error ?? String(error)}). ` +
        'Check the network, and SLACK_API_URL if it is set.',
      { cause: error },
    );
  }
  const auth = authTestSchema.parse(raw);
  const granted = auth.response_metadata?.scopes;
  if (granted) {
    const missing = Object.keys(REQUIRED_SCOPES).filter((scope) => !granted.includes(scope));
    if (missing.length > 0) {
      logger.warn(
        { missing, granted },
        `The Slack app is missing bot token scopes: ${missing.map((s) => `${s} (${REQUIRED_SCOPES[s]})`).join('; ')}. ` +
          'Add them under OAuth & Permissions > Bot Token Scopes (or update the app from slack-manifest.yaml), then reinstall the app.',
      );
    }
  }
  return { botUserId: auth.user_id, botId: auth.bot_id, teamId: auth.team_id, team: auth.team };
}

/** Explains a failed Socket Mode or HTTP start in terms of the setting to fix. */
export function explainStartFailure(
  error: unknown,
  mode: 'socket' | 'http',
  port: number,
  lastSdkError?: string,
): Error {
  const failure = slackApiFailure(error);
  const timedOut = error instanceof Error && error.name === 'StartTimeout';
  if (mode === 'socket' && (timedOut || (failure && TOKEN_ERRORS.has(failure.error)))) {
    const said = timedOut
      ? `${(error as Error).message}${lastSdkError ? `; last error: ${lastSdkError}` : ''}`
      : (failure?.error ?? String(error));
    return new ConfigError(
      `MoodScale cannot open a Slack Socket Mode connection (${said}).\n` +
        "  SLACK_APP_TOKEN: expected this app's app-level token (xapp-...) with the connections:write scope " +
        '(Slack app > Basic Information > App-Level Tokens), and Socket Mode enabled (Settings > Socket Mode); ' +
        'or set SLACK_MODE=http',
    );
  }
  const code = error instanceof Error && 'code' in error ? String(error.code) : undefined;
  if (mode === 'http' && code === 'EADDRINUSE') {
    return new ConfigError(
      `MoodScale cannot serve Slack's requests: port ${port} is already in use.\n  PORT: expected a free port`,
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}
