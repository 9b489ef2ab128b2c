import { z } from 'zod';

const channelSchema = z.object({
  guildId: z.string().nullable(),
  channelId: z.string().nullable(),
  /** The member's permissions in the channel as a bit field (decimal string); null in DMs. */
  permissions: z.string().nullable(),
  /**
   * The bot's own permissions there (the interaction's `app_permissions`); null for messages, absent in
   * deliveries recorded before it was kept.
   */
  appPermissions: z.string().nullable().optional(),
});

const userSchema = z.object({ id: z.string(), displayName: z.string().nullable() });

/**
 * An attachment given for a file option, as the interaction's data.resolved.attachments held it: its
 * CDN url is signed for about a day, so a delivery resumed after a crash can still read the file.
 */
export const storedAttachmentSchema = z.object({
  kind: z.literal('attachment'),
  id: z.string(),
  name: z.string(),
  size: z.number().int().nonnegative().optional(),
  url: z.url({ protocol: /^https?$/ }),
  contentType: z.string().optional(),
});

export type StoredAttachment = z.infer<typeof storedAttachmentSchema>;

/**
 * What the inbox keeps of a Discord delivery: enough to run it again and answer it after a crash. An
 * interaction keeps its token (its webhook answers for 15 minutes); a link in a message keeps where to
 * reply; a mood sent as a direct message keeps its text and DM channel.
 */
export const discordDeliverySchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('interaction'),
    receivedAt: z.number(),
    interactionId: z.string(),
    applicationId: z.string(),
    token: z.string(),
    user: userSchema,
    channel: channelSchema,
    /** The interaction's `attachment_size_limit` in bytes; absent in deliveries recorded before it was kept. */
    attachmentSizeLimit: z.number().int().positive().optional(),
    command: z.string(),
    input: z.union([
      z.object({ text: z.string() }),
      z.object({
        values: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), storedAttachmentSchema])),
      }),
    ]),
  }),
  z.object({
    kind: z.literal('message'),
    receivedAt: z.number(),
    messageId: z.string(),
    user: userSchema,
    channel: channelSchema,
    url: z.string(),
  }),
  z.object({
    kind: z.literal('direct'),
    receivedAt: z.number(),
    messageId: z.string(),
    user: userSchema,
    /** The DM channel, where the answer goes. */
    channelId: z.string(),
    /** What the message said, as /mood's text ("6 tired -- long day"): it may hold a note. */
    text: z.string(),
  }),
]);

export type DiscordDelivery = z.infer<typeof discordDeliverySchema>;

/**
 * Delivery keys: an interaction by its id (unique, never reused), a message link by message and place,
 * a mood sent as a direct message by its message.
 */
export const discordDeliveryKey = {
  interaction: (interactionId: string) => `discord:interaction:${interactionId}`,
  message: (messageId: string, index: number) => `discord:message:${messageId}:${index}`,
  direct: (messageId: string) => `discord:direct:${messageId}`,
};

/** An interaction's token answers for 15 minutes. */
export const INTERACTION_TOKEN_WINDOW_MS = 15 * 60_000;
