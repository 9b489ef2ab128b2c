import type { Message } from 'discord.js';
import { PLAIN_MESSAGE_HINT, readPlainMessage } from '../../core/commands/plain-mood.js';
import { findSpotifyLinks } from '../../integrations/spotify/link-parser.js';
import { fileCommandOf, sharedFileHint } from '../shared-file-hint.js';
import { invocationOf, userOf } from './delivery-invocation.js';
import { type DiscordDelivery, discordDeliveryKey } from './discord-deliveries.js';
import { NOT_SAVED, RECORD_DEADLINE_MS } from './interaction-answers.js';
import { type MessageLinkDeps, onMessage } from './message-links.js';
import { renderMessage } from './render.js';

/**
 * A message someone sends the bot in a DM (the DirectMessages intent; DMs with the app carry their
 * content without the privileged MessageContent intent). One that reads as a mood ("6", "6 tired,
 * anxious -- long day", "6/10") is logged as `/mood` through the inbox, like the command, and answered
 * in the DM; one with a file (when a command reads files) is told that command; one with a Spotify
 * link is shared; anything else gets a short hint of the form.
 */
export async function onDirectMessage(deps: MessageLinkDeps, message: Message): Promise<void> {
  const { client, clock, inbox, log, state } = deps;
  if (!state.accepting) return;
  if (message.author.bot || message.webhookId !== null || message.system) return;
  if (message.author.id === client.user?.id) return;
  const channel = message.channel;
  if (!channel.isSendable()) return;
  const read = readPlainMessage(message.content);
  if (read.kind === 'hint') {
    // A file sent without a command: the command that reads files says how (a mood's text wins).
    const file = message.attachments.first();
    const fileCommand = file ? fileCommandOf(inbox.registry) : undefined;
    if (file && fileCommand) {
      await channel.send({
        content: sharedFileHint(file.name, fileCommand, 'discord'),
        allowedMentions: { parse: [] },
      });
      return;
    }
    if (findSpotifyLinks(message.content, 1).length > 0) return onMessage(deps, message);
    await channel.send({ content: PLAIN_MESSAGE_HINT, allowedMentions: { parse: [] } });
    return;
  }
  const delivery: DiscordDelivery = {
    kind: 'direct',
    receivedAt: Date.now(),
    messageId: message.id,
    user: userOf(message.author),
    channelId: message.channelId,
    text: read.args,
  };
  const deliveryKey = discordDeliveryKey.direct(message.id);
  const invocation = invocationOf(delivery);
  const recorded = await inbox.record(
    { deliveryKey, identity: invocation.identity, kind: 'direct', command: 'mood', payload: delivery },
    RECORD_DEADLINE_MS,
  );
  if (recorded === 'duplicate') return;
  const answer = (reply: typeof NOT_SAVED) =>
    channel.send({
      ...renderMessage(reply, { now: clock.now() }),
      reply: { messageReference: message.id, failIfNotExists: false },
      allowedMentions: { parse: [], repliedUser: false },
    });
  if (recorded === 'unsaved') {
    await answer(NOT_SAVED);
    return;
  }
  const { reply } = await inbox.run({ ...invocation, deliveryKey });
  const answered = await answer(reply).then(
    () => true,
    (error: unknown) => {
      log.warn({ err: error, messageId: message.id }, 'could not answer a mood sent as a direct message');
      return false;
    },
  );
  await inbox.finish(deliveryKey, answered);
}
