import { z } from 'zod';
import { blockActionsSchema, slashCommandSchema, viewSubmissionSchema } from './payloads.js';

/**
 * What the inbox keeps of a Slack delivery: enough to run it again and answer it after a crash. A
 * slash command and a button keep their response_url (answers in place for 30 minutes); a sent form
 * keeps the message it replaces (or, on a private one, the click's response_url); a link in a
 * message keeps where to answer in its thread; a mood written to the bot in a DM keeps its text.
 */
export const slackDeliverySchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('command'),
    receivedAt: z.number(),
    command: slashCommandSchema,
    displayName: z.string().nullable(),
    timeZone: z.string().optional(),
  }),
  z.object({
    kind: z.literal('button'),
    receivedAt: z.number(),
    workspaceId: z.string(),
    userId: z.string(),
    displayName: z.string().nullable(),
    channelId: z.string().optional(),
    responseUrl: blockActionsSchema.shape.response_url.unwrap(),
    triggerId: z.string(),
    command: z.string(),
    args: z.string(),
    /** The answer replaces the message the button is on; absent in deliveries recorded before it was kept. */
    replaceOriginal: z.boolean().optional(),
  }),
  z.object({
    kind: z.literal('form'),
    receivedAt: z.number(),
    workspaceId: z.string(),
    userId: z.string(),
    displayName: z.string().nullable(),
    channelId: z.string().optional(),
    /** The message the form's button is on, which the answer replaces (chat.update in channelId). */
    messageTs: z.string().optional(),
    /** Instead, for a private (ephemeral) message the API cannot update: the click's response_url. */
    responseUrl: blockActionsSchema.shape.response_url,
    viewId: z.string(),
    triggerId: viewSubmissionSchema.shape.trigger_id,
    command: z.string(),
    /** The button's arguments with ` -- ` and the text written in the form. */
    args: z.string(),
  }),
  z.object({
    kind: z.literal('message'),
    receivedAt: z.number(),
    workspaceId: z.string(),
    userId: z.string(),
    channelId: z.string(),
    channelType: z.string().optional(),
    threadTs: z.string(),
    url: z.string(),
  }),
  z.object({
    kind: z.literal('direct'),
    receivedAt: z.number(),
    workspaceId: z.string(),
    userId: z.string(),
    /** The DM (D…) where it was written and where the answer goes. */
    channelId: z.string(),
    messageId: z.string(),
    /** What the message said, as /mood's text ("6 tired -- long day"): it may hold a note. */
    text: z.string(),
  }),
]);

export type SlackDelivery = z.infer<typeof slackDeliverySchema>;

/**
 * Delivery keys: a slash command by its trigger id (unique per invocation; Slack never retries slash
 * commands, so a repeat is a replay), a button by its action and trigger, a sent form by its view and
 * the submission's trigger (a replay repeats both; sending it again after "not saved" does not), a
 * message link by the event id Slack keeps across its retries (or the message's own ts), and the
 * link's place in it.
 */
export const slackDeliveryKey = {
  command: (teamId: string, triggerId: string) => `slack:command:${teamId}:${triggerId}`,
  button: (teamId: string, userId: string, actionTs: string, triggerId: string) =>
    `slack:button:${teamId}:${userId}:${actionTs}:${triggerId}`,
  form: (teamId: string, viewId: string, triggerId: string) => `slack:form:${teamId}:${viewId}:${triggerId}`,
  message: (teamId: string, channelId: string, messageId: string, index: number) =>
    `slack:message:${teamId}:${channelId}:${messageId}:${index}`,
  direct: (teamId: string, channelId: string, messageId: string) =>
    `slack:direct:${teamId}:${channelId}:${messageId}`,
};

/** Slack's response_url takes answers for 30 minutes. */
export const RESPONSE_URL_WINDOW_MS = 30 * 60_000;
