import { type AnyCommand, CommandRegistry } from '../src/core/commands/index.js';
import type { Services } from '../src/services/services.js';
import channelDigest from './channel-digest.js';
import checkin from './checkin.js';
import exportCommand from './export.js';
import forget from './forget.js';
import help from './help.js';
import history from './history.js';
import importCommand from './import.js';
import insights from './insights.js';
import link from './link.js';
import mood from './mood.js';
import recommend from './recommend.js';
import settings from './settings.js';
import share from './share.js';
import spotify from './spotify.js';
import undo from './undo.js';

/** Every command, in the order /help lists them. */
export const allCommands: AnyCommand<Services>[] = [
  mood,
  undo,
  checkin,
  history,
  share,
  recommend,
  insights,
  settings,
  exportCommand,
  importCommand,
  forget,
  link,
  spotify,
  channelDigest,
  help,
];

export function createRegistry(): CommandRegistry<Services> {
  return new CommandRegistry(allCommands);
}
