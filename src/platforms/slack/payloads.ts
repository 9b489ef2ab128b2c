import { z } from 'zod';

/**
 * The fields of a slash command payload MoodScale reads. Slack sends them form-encoded over HTTP and as
 * the `payload` of a `slash_commands` envelope in Socket Mode; Bolt hands both over as the same body.
 */
export const slashCommandSchema = z.object({
  command: z.string().regex(/^\/[^\s/]{1,64}$/),
  text: z.string().max(8000).default(''),
  user_id: z.string().min(1).max(64),
  user_name: z.string().max(200).optional(),
  team_id: z.string().min(1).max(64),
  channel_id: z.string().min(1).max(64),
  response_url: z.url({ protocol: /^https?$/ }),
  trigger_id: z.string().min(1).max(200),
});

export type SlashCommandPayload = z.infer<typeof slashCommandSchema>;

/**
 * A `message` event from a channel the bot is in (`message.channels`, `message.groups`), inside its
 * `event_callback` (HTTP mode) or `events_api` envelope payload (Socket Mode); Bolt hands both over as
 * the same body. Edits, deletions, joins and bot posts carry a `subtype` or `bot_id`.
 */
export const channelMessageEventSchema = z.object({
  team_id: z.string().min(1).max(64),
  event_id: z.string().max(200).optional(),
  event: z.object({
    type: z.literal('message'),
    subtype: z.string().max(100).optional(),
    channel: z.string().min(1).max(64),
    channel_type: z.string().max(32).optional(),
    user: z.string().min(1).max(64).optional(),
    bot_id: z.string().max(64).optional(),
    text: z.string().max(40_000).default(''),
    ts: z.string().min(1).max(64),
    thread_ts: z.string().min(1).max(64).optional(),
    event_ts: z.string().max(64).optional(),
    client_msg_id: z.string().max(200).optional(),
    /** A `file_share` message's files (shared in the DM with the bot, say); only the name is read. */
    files: z
      .array(z.looseObject({ id: z.string().max(64).optional(), name: z.string().max(1000).optional() }))
      .max(100)
      .optional(),
  }),
});

export type ChannelMessageEvent = z.infer<typeof channelMessageEventSchema>;

/** The fields of a `block_actions` payload (a button click) MoodScale reads. */
export const blockActionsSchema = z.object({
  type: z.literal('block_actions'),
  user: z.object({
    id: z.string().min(1).max(64),
    team_id: z.string().min(1).max(64).optional(),
    name: z.string().max(200).optional(),
    username: z.string().max(200).optional(),
  }),
  team: z.object({ id: z.string().min(1).max(64) }).nullish(),
  trigger_id: z.string().min(1).max(200),
  response_url: z.url({ protocol: /^https?$/ }).optional(),
  channel: z.object({ id: z.string().min(1).max(64) }).optional(),
  /** The message the button is on; `is_ephemeral` when it is a private answer (only its user sees it). */
  container: z
    .object({
      type: z.string().max(64),
      is_ephemeral: z.boolean().optional(),
      message_ts: z.string().min(1).max(64).optional(),
      channel_id: z.string().min(1).max(64).optional(),
    })
    .optional(),
  actions: z
    .array(
      z.object({
        action_id: z.string().max(255),
        action_ts: z.string().max(64),
        value: z.string().max(2000).optional(),
      }),
    )
    .min(1),
});

export type BlockActionsPayload = z.infer<typeof blockActionsSchema>;

/** The fields of a `view_submission` payload (a form sent) MoodScale reads. */
export const viewSubmissionSchema = z.object({
  type: z.literal('view_submission'),
  user: blockActionsSchema.shape.user,
  team: blockActionsSchema.shape.team,
  /** New with every submission: a second delivery of the same one carries the same. */
  trigger_id: z.string().min(1).max(200),
  view: z.object({
    id: z.string().min(1).max(64),
    callback_id: z.string().max(255),
    private_metadata: z.string().max(3000),
    state: z.object({
      values: z.record(
        z.string(),
        z.record(z.string(), z.object({ type: z.string().max(64), value: z.string().max(3000).nullish() })),
      ),
    }),
  }),
});

export type ViewSubmissionPayload = z.infer<typeof viewSubmissionSchema>;

/** `users.info`: the profile's time zone and names. */
export const userInfoSchema = z.object({
  ok: z.literal(true),
  user: z.object({
    name: z.string().optional(),
    real_name: z.string().optional(),
    tz: z.string().optional(),
    is_admin: z.boolean().optional(),
    is_owner: z.boolean().optional(),
    is_primary_owner: z.boolean().optional(),
    profile: z.object({ display_name: z.string().optional(), real_name: z.string().optional() }).optional(),
  }),
});

/**
 * A file object as files.list returns it, the fields MoodScale reads: who shared it and when (`created`,
 * seconds), its name and size, and where its bytes are (`url_private_download`, which takes the bot
 * token). `mode` 'external' (a link to another service) and 'tombstone' (deleted) have no bytes here.
 */
export const slackFileSchema = z.object({
  id: z.string().min(1).max(64),
  name: z.string().max(1000).optional(),
  title: z.string().max(1000).optional(),
  user: z.string().max(64).optional(),
  created: z.number().optional(),
  size: z.number().int().nonnegative().optional(),
  mimetype: z.string().max(200).optional(),
  mode: z.string().max(64).optional(),
  url_private_download: z.url({ protocol: /^https?$/ }).optional(),
  url_private: z.url({ protocol: /^https?$/ }).optional(),
});

export type SlackFile = z.infer<typeof slackFileSchema>;

/** `files.list`: the files, each checked on its own (see slackFileSchema). */
export const filesListSchema = z.object({ ok: z.literal(true), files: z.array(z.unknown()).default([]) });

/** `conversations.open`: the DM channel. */
export const conversationOpenSchema = z.object({
  ok: z.literal(true),
  channel: z.object({ id: z.string().min(1) }),
});

/** `auth.test`: who the bot token belongs to, and (from a response header) the scopes it was granted. */
export const authTestSchema = z.object({
  ok: z.literal(true),
  user_id: z.string().optional(),
  bot_id: z.string().optional(),
  team_id: z.string().optional(),
  team: z.string().optional(),
  response_metadata: z.object({ scopes: z.array(z.string()).optional() }).optional(),
});

/**
 * The parts of a @slack/web-api error MoodScale reacts to: the platform's error string
 * (`cannot_dm_bot`, `ratelimited`, `missing_scope` with the scope it `needed`), and a rate limit's
 * retry-after in seconds.
 */
const webApiErrorSchema = z.object({
  code: z.string(),
  retryAfter: z.number().optional(),
  data: z
    .object({
      error: z.string().optional(),
      needed: z.string().optional(),
      response_metadata: z.object({ retryAfter: z.number().optional() }).optional(),
    })
    .optional(),
});

export interface SlackApiFailure {
  /** The platform's error code ('cannot_dm_bot'), 'ratelimited', or the SDK's error kind. */
  error: string;
  /** Seconds to wait, for rate limits. */
  retryAfter?: number;
  /** The scope a `missing_scope` error asked for. */
  needed?: string;
}

/** What a failed Web API call says, in a form the adapter can decide on; undefined for other errors. */
export function slackApiFailure(error: unknown): SlackApiFailure | undefined {
  const parsed = webApiErrorSchema.safeParse(error);
  if (!parsed.success) return undefined;
  const { code, retryAfter, data } = parsed.data;
  if (code === 'slack_webapi_rate_limited_error') {
    return { error: 'ratelimited', retryAfter: retryAfter ?? 1 };
  }
  if (code === 'slack_webapi_platform_error' && data?.error) {
    const failure: SlackApiFailure = { error: data.error };
    if (data.error === 'ratelimited') failure.retryAfter = data.response_metadata?.retryAfter ?? 1;
    if (data.needed) failure.needed = data.needed;
    return failure;
  }
  return { error: code };
}
