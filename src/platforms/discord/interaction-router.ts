import type { Interaction } from 'discord.js';
import { reply as replies } from '../../core/commands/index.js';
import { type CommandDeps, onAnalyzeTrack, onAutocomplete, onCommand } from './command-interactions.js';
import { ANALYZE_TRACK_MENU } from './command-json.js';
import { onButton } from './component-interactions.js';
import { DiscordCode, describeDiscordError, discordCodeOf } from './discord-errors.js';
import { onModalSubmit } from './modal-interactions.js';
import { renderReply } from './render.js';

const RESTARTING = replies.error('MoodScale is restarting. Nothing was saved; try again in a moment.');
const SERVER_INSTALL_ONLY = replies.error(
  'MoodScale works in the servers it was added to and in a direct message with it, not through an app installed to your account. Ask a server admin to add it, or message it directly.',
);

/** What handling any interaction needs. */
export interface InteractionDeps extends CommandDeps {
  /** False while starting up and once stopping: interactions are then told MoodScale is restarting. */
  state: { readonly accepting: boolean };
}

/**
 * Handles one interaction of any kind, sending it to what answers its kind. It never throws: a failure
 * to answer is logged (as an error when the bot lacks a permission, which only an admin can fix).
 */
export async function handleInteraction(deps: InteractionDeps, interaction: Interaction): Promise<void> {
  const { clock, log, state } = deps;
  try {
    if (!state.accepting) {
      if (interaction.isRepliable()) await interaction.reply(renderReply(RESTARTING, { now: clock.now() }));
      return;
    }
    if (installedOnAUserOnly(interaction)) {
      // Registered for server installs only; a copy a user installed to their own account could still
      // send interactions from servers MoodScale is not in. Nothing runs there.
      if (interaction.isAutocomplete()) await interaction.respond([]);
      else if (interaction.isRepliable()) {
        await interaction.reply(renderReply(SERVER_INSTALL_ONLY, { now: clock.now() }));
      }
      return;
    }
    if (interaction.isChatInputCommand()) await onCommand(deps, interaction);
    else if (interaction.isMessageContextMenuCommand()) {
      if (interaction.commandName === ANALYZE_TRACK_MENU) await onAnalyzeTrack(deps, interaction);
    } else if (interaction.isAutocomplete()) await onAutocomplete(deps, interaction);
    else if (interaction.isButton()) await onButton(deps, interaction);
    else if (interaction.isModalSubmit()) await onModalSubmit(deps, interaction);
  } catch (error) {
    const level = discordCodeOf(error) === DiscordCode.MissingPermissions ? 'error' : 'warn';
    log[level](
      { err: error, interactionId: interaction.id, type: interaction.type },
      `could not answer an interaction: ${describeDiscordError(error)}`,
    );
  }
}

/** An interaction authorised only by a user's own install of the app (never by a server's). */
function installedOnAUserOnly(interaction: Interaction): boolean {
  const owners = interaction.authorizingIntegrationOwners;
  return owners.userId !== null && owners.guildId === null;
}
