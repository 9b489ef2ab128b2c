/**
 * Slack slash commands are one namespace per workspace: with another app that also has `/mood`, the
 * most recently installed wins. SLACK_COMMAND_PREFIX ('ms-') turns MoodScale's into `/ms-mood`, and
 * every answer that names a command names the one the user can actually type.
 */
export interface SlackCommandNames {
  /** '' for the plain names. */
  readonly prefix: string;
  /** The declared command names ('mood', 'history', ...). */
  readonly names: readonly string[];
}

/** `/ms-mood` for ('ms-', 'mood'). */
export function slashCommandFor(prefix: string, name: string): string {
  return `/${prefix}${name}`;
}

/**
 * The declared name a slash command arrived under: '/ms-mood' -> 'mood'. A command without the prefix
 * (a workspace whose app still has the old names) is taken as it is.
 */
export function commandNameOf(slash: string, prefix: string): string {
  const name = slash.replace(/^\//, '').toLowerCase();
  return prefix !== '' && name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Rewrites the commands a text names ('/mood 6 tired', '`/settings timezone`') to their prefixed form.
 * A name counts only at the start of a word (after a space, quote, bracket or mrkdwn mark), so paths
 * and links ('Europe/Berlin', 'open.spotify.com/track') stay as they are.
 */
export function createCommandRenamer(commands: SlackCommandNames): (text: string) => string {
  if (commands.prefix === '' || commands.names.length === 0) return (text) => text;
  const alternatives = [...commands.names]
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp)
    .join('|');
  const pattern = new RegExp(`(^|[\\s\`'"(\\[*_~>])/(${alternatives})(?![\\w-])`, 'g');
  const prefix = commands.prefix;
  return (text) =>
    text.replace(pattern, (_match, before: string, name: string) => `${before}/${prefix}${name}`);
}
