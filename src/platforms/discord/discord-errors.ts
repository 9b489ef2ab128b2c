import {
  DiscordAPIError,
  DiscordjsError,
  DiscordjsErrorCodes,
  GatewayCloseCodes,
  HTTPError,
} from 'discord.js';

/** Discord's JSON error codes the adapter acts on. */
export const DiscordCode = {
  UnknownChannel: 10003,
  UnknownMessage: 10008,
  UnknownInteraction: 10062,
  MissingAccess: 50001,
  CannotSendToUser: 50007,
  MissingPermissions: 50013,
  OpeningDmsTooFast: 40003,
  RequestEntityTooLarge: 40005,
  AlreadyAcknowledged: 40060,
} as const;

/** The Discord error code of a REST failure (50007), or undefined for anything else. */
export function discordCodeOf(error: unknown): number | undefined {
  return error instanceof DiscordAPIError && typeof error.code === 'number' ? error.code : undefined;
}

/** The HTTP status of a REST failure, or undefined (network errors, timeouts). */
export function httpStatusOf(error: unknown): number | undefined {
  if (error instanceof DiscordAPIError || error instanceof HTTPError) return error.status;
  return undefined;
}

const TOKEN_FIX =
  'Copy the bot token from the Developer Portal (your app > Bot > Reset Token) into DISCORD_TOKEN and restart.';

/** One line saying what a REST failure means and what to do about it. */
export function describeDiscordError(error: unknown): string {
  const code = discordCodeOf(error);
  const status = httpStatusOf(error);
  const message = error instanceof Error ? error.message : String(error);
  switch (code) {
    case DiscordCode.MissingPermissions:
      return `the bot lacks a permission there (50013 Missing Permissions). Give its role the permission, or re-invite it with the link MoodScale logs at start. (${message})`;
    case DiscordCode.MissingAccess:
      return `the bot cannot see that server or channel (50001 Missing Access). For DISCORD_GUILD_ID, invite the bot to that server with the applications.commands scope (the invite link is in the log). (${message})`;
    case DiscordCode.UnknownInteraction:
      return 'the interaction expired before it was answered (10062: not acknowledged within 3 s, or answered twice).';
    case DiscordCode.AlreadyAcknowledged:
      return 'the interaction was already acknowledged (40060).';
    case DiscordCode.CannotSendToUser:
      return 'the user does not accept direct messages from the bot (50007).';
    case DiscordCode.OpeningDmsTooFast:
      return 'direct messages are being opened too fast (40003).';
    case DiscordCode.RequestEntityTooLarge:
      return `the files are larger than Discord's upload limit (40005 Request entity too large). (${message})`;
    default:
      break;
  }
  if (status === 401) return `Discord rejected the bot token (401). ${TOKEN_FIX}`;
  if (status === 429) return `rate limited by Discord (429). (${message})`;
  return message;
}

/** What the bot asked the gateway for, which changes what some close codes mean. */
export interface GatewayRequest {
  /** DISCORD_MESSAGE_CONTENT=true: the privileged Message Content intent was requested. */
  messageContent?: boolean;
}

const MESSAGE_CONTENT_REFUSED =
  'Discord closed the gateway with 4014 (disallowed intents): DISCORD_MESSAGE_CONTENT=true asks for the privileged ' +
  'Message Content intent, which is not enabled for this bot. Enable it in the Developer Portal (your app > Bot > ' +
  'Privileged Gateway Intents > Message Content Intent), or set DISCORD_MESSAGE_CONTENT=false (/share and the ' +
  '"Analyze track" message menu work without it).';

/** What a gateway close code means for the operator, or undefined when discord.js handles it itself. */
export function gatewayCloseAdvice(code: number, request: GatewayRequest = {}): string | undefined {
  switch (code) {
    case GatewayCloseCodes.AuthenticationFailed:
      return `Discord closed the gateway with 4004 (authentication failed): DISCORD_TOKEN is wrong or was reset. ${TOKEN_FIX}`;
    case GatewayCloseCodes.DisallowedIntents:
      if (request.messageContent) return MESSAGE_CONTENT_REFUSED;
      return (
        'Discord closed the gateway with 4014 (disallowed intents): the bot asked for a privileged intent that is ' +
        'not enabled. MoodScale needs none; if you added one, enable it in the Developer Portal (your app > Bot > ' +
        'Privileged Gateway Intents) or remove it.'
      );
    case GatewayCloseCodes.InvalidIntents:
      return 'Discord closed the gateway with 4013 (invalid intents): the intents value is not valid. Report this as a bug.';
    case GatewayCloseCodes.ShardingRequired:
      return 'Discord closed the gateway with 4011 (sharding required): the bot is in too many servers for one connection. Run it sharded (see docs/discord-setup.md).';
    case GatewayCloseCodes.InvalidShard:
      return 'Discord closed the gateway with 4010 (invalid shard): check the shard count given to the ShardingManager.';
    case GatewayCloseCodes.InvalidAPIVersion:
      return 'Discord closed the gateway with 4012 (invalid API version): upgrade discord.js.';
    default:
      return undefined;
  }
}

/**
 * Why `client.login()` failed, in words an operator can act on; `configuration` when the fix is in the
 * configuration or the Developer Portal (a bad token, a refused intent) rather than a passing outage.
 */
export function explainLoginError(
  error: unknown,
  request: GatewayRequest = {},
): { message: string; configuration: boolean } {
  if (error instanceof DiscordjsError && error.code === DiscordjsErrorCodes.TokenInvalid) {
    return {
      message: `Discord rejected DISCORD_TOKEN (401 Unauthorized). ${TOKEN_FIX}`,
      configuration: true,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  // @discordjs/ws turns these close codes into plain errors that reject the login.
  const byMessage: Record<string, number> = {
    'Authentication failed': GatewayCloseCodes.AuthenticationFailed,
    'Used disallowed intents': GatewayCloseCodes.DisallowedIntents,
    'Used invalid intents': GatewayCloseCodes.InvalidIntents,
    'Sharding is required': GatewayCloseCodes.ShardingRequired,
    'Invalid shard': GatewayCloseCodes.InvalidShard,
    'Used an invalid API version': GatewayCloseCodes.InvalidAPIVersion,
  };
  const code = byMessage[message];
  const advice = code === undefined ? undefined : gatewayCloseAdvice(code, request);
  if (advice) return { message: advice, configuration: true };
  return { message: `Could not connect to Discord: ${describeDiscordError(error)}`, configuration: false };
}
