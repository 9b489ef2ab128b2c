import { opt, reply } from '../src/core/commands/index.js';
import { UserError } from '../src/core/errors.js';
import type { SettingsPatch, UserSettings } from '../src/services/settings-service.js';
import { defineCommand } from './define.js';

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

// Reused for their parsing and messages, so a value typed here is checked exactly as an option would be.
const timeZoneValue = opt.timeZone({ description: 'IANA time zone', label: 'time zone' });
// No label: the message names the setting ("The digest is on or off; ...").
const onOffValue = opt.boolean({ description: 'on or off' });
const weekdayValue = opt.choice({ description: 'Day of the week', label: 'day', choices: WEEKDAYS });

export default defineCommand({
  name: 'settings',
  description: 'See or change your time zone, weekly digest and privacy choices',
  usageExample: '/settings timezone Europe/Berlin',
  options: {
    setting: opt.choice({
      description: 'What to change; leave out to see your settings',
      choices: ['timezone', 'digest', 'digest-day', 'digest-hour', 'notes-consent', 'channel-vibe'] as const,
    }),
    value: opt.text({
      description: 'The new value, e.g. Europe/Berlin, on, off, monday, 9',
      max: 100,
      rest: true,
    }),
  },
  async run({ user, platform, options }, { settings, links }) {
    // The digest is a direct message on a chat platform: say so where none can arrive (the console alone).
    const noDigestHere = async (s: UserSettings) =>
      s.digestEnabled &&
      platform === 'console' &&
      (await links.identities(user.id)).every((identity) => identity.platform === 'console');
    const answer = async (s: UserSettings, title: string) =>
      show(s, title, (await noDigestHere(s)) ? DIGEST_NOT_IN_CONSOLE : undefined);
    if (!options.setting) return answer(await settings.get(user.id), 'Your settings');
    if (options.value === undefined) {
      throw new UserError(
        `Tell me the new ${options.setting}, for example \`${example(options.setting)}\`.`,
        'MISSING_OPTION',
      );
    }
    const patch = toPatch(options.setting, options.value);
    return answer(await settings.update(user.id, patch), 'Settings saved');
  },
});

const DIGEST_NOT_IN_CONSOLE =
  'The weekly digest comes as a direct message on Discord or Slack, so none arrives in the console: ' +
  'link a Discord or Slack account with `/link` to get it there.';

type Setting = 'timezone' | 'digest' | 'digest-day' | 'digest-hour' | 'notes-consent' | 'channel-vibe';

function example(setting: Setting): string {
  const values: Record<Setting, string> = {
    timezone: 'Europe/Berlin',
    digest: 'off',
    'digest-day': 'monday',
    'digest-hour': '9',
    'notes-consent': 'on',
    'channel-vibe': 'on',
  };
  return `/settings ${setting} ${values[setting]}`;
}

function toPatch(setting: Setting, value: string): SettingsPatch {
  switch (setting) {
    case 'timezone':
      return { timeZone: timeZoneValue.parse(value, 'timezone') };
    case 'digest':
      return { digestEnabled: onOffValue.parse(value, 'digest') };
    case 'digest-day':
      return { digestDay: parseWeekday(value) };
    case 'digest-hour':
      return { digestHour: parseHour(value) };
    case 'notes-consent':
      return { llmNotesConsent: onOffValue.parse(value, 'notes-consent') };
    case 'channel-vibe':
      return { channelVibeOptIn: onOffValue.parse(value, 'channel-vibe') };
  }
}

function parseWeekday(value: string): number {
  const trimmed = value.trim().toLowerCase();
  if (/^[1-7]$/.test(trimmed)) return Number(trimmed);
  const short = WEEKDAYS.find((d) => trimmed.length >= 3 && d.startsWith(trimmed));
  return WEEKDAYS.indexOf(short ?? weekdayValue.parse(value, 'digest-day')) + 1;
}

/** "9", "09:00", "9am", "9 pm", "21". */
function parseHour(value: string): number {
  const match = /^\s*(\d{1,2})(?::00)?\s*(am|pm)?\s*$/i.exec(value);
  let hour = match ? Number(match[1]) : Number.NaN;
  const half = match?.[2]?.toLowerCase();
  if (half && hour >= 1 && hour <= 12) hour = (hour % 12) + (half === 'pm' ? 12 : 0);
  else if (half) hour = Number.NaN;
  if (!Number.isInteger(hour) || hour < 0 || hour > 23) {
    throw new UserError(
      `The digest hour is a whole hour from 0 to 23, or like 9am (you wrote "${value.slice(0, 40)}").`,
      'INVALID_INPUT',
    );
  }
  return hour;
}

function show(s: UserSettings, title: string, note?: string) {
  const day = WEEKDAYS[s.digestDay - 1] ?? 'monday';
  return reply.private({
    title,
    text:
      'Change one with `/settings <setting> <value>`, e.g. `/settings timezone Europe/Berlin`.' +
      (note ? `\n${note}` : ''),
    fields: [
      { name: 'timezone', value: s.timeZone, inline: true },
      { name: 'digest', value: s.digestEnabled ? 'on' : 'off', inline: true },
      { name: 'digest-day', value: day[0]!.toUpperCase() + day.slice(1), inline: true },
      { name: 'digest-hour', value: `${String(s.digestHour).padStart(2, '0')}:00`, inline: true },
      {
        name: 'notes-consent',
        value: s.llmNotesConsent
          ? 'on: your notes may be sent to the language model for insights'
          : 'off: your notes are never sent to the language model',
      },
      {
        name: 'channel-vibe',
        value: s.channelVibeOptIn
          ? 'on: your mood scores and emotions count toward the anonymous weekly "channel vibe" of channels with ' +
            'a weekly post in servers or workspaces where you use MoodScale; shown only as an average of at least ' +
            '5 people, never with your name, and never your notes'
          : 'off: your moods never count toward any channel post (only tracks you share in a channel appear there)',
      },
    ],
    color: 'info',
  });
}
