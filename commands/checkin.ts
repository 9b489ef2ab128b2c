import { type CommandUser, opt, type Platform, type Reply, reply } from '../src/core/commands/index.js';
import { UserError } from '../src/core/errors.js';
import { loggedCardReply } from '../src/services/checkins/checkin-messages.js';
import type { CheckinService, CheckinSettings } from '../src/services/checkins/checkin-service.js';
import {
  describeDays,
  formatTimeOfDay,
  parseDays,
  parseTimeOfDay,
} from '../src/services/checkins/schedule.js';
import type { Services } from '../src/services/services.js';
import { defineCommand } from './define.js';
import { emotionTags } from './emotion-tags.js';

const EXAMPLE = '/checkin 9pm';
const QUICK_PICKS = 4;
const PAUSE_DAYS = 7;

const FORMS =
  '`/checkin 9pm` (on, at 21:00), `/checkin add 13:00`, `/checkin remove 13:00`, ' +
  '`/checkin days weekdays` (or `every day`, `mon,wed,fri`), `/checkin pause`, `/checkin on`, `/checkin off`';

export default defineCommand({
  name: 'checkin',
  // A rerun of the same tap (a crash, a second instance) must not log a second mood.
  appliesOncePerDelivery: true,
  description: 'A daily DM asking how you feel, answered with one tap: times, days, on or off',
  usageExample: EXAMPLE,
  options: {
    action: opt.text({
      description: 'A time like 9pm or 13:00, or on, off, add, remove, days, pause',
      label: 'what to change',
      max: 20,
    }),
    value: opt.text({
      description: 'The time for add or remove (13:00), or the days (weekdays, mon,wed,fri)',
      label: 'time or days',
      max: 1000,
      rest: true,
    }),
  },
  async run({ user, options, deliveryKey, now, platform }, services) {
    const { checkins } = services;
    const settingsReply = (user: CommandUser, settings: CheckinSettings, title: string) =>
      renderSettings(user, settings, title, platform);
    const action = options.action?.trim().toLowerCase();
    const value = options.value?.trim() ?? '';
    switch (action) {
      case undefined:
      case '':
      case 'show':
        return settingsReply(user, await checkins.settings(user), 'Your daily check-in');
      case 'on':
        return settingsReply(user, await checkins.setEnabled(user, true), 'Check-ins are on');
      case 'off':
        return settingsReply(user, await checkins.setEnabled(user, false), 'Check-ins are off');
      case 'add':
        return settingsReply(user, await checkins.add(user, timeOf(value, 'add')), 'Check-in time added');
      case 'remove':
        return settingsReply(
          user,
          await checkins.remove(user, timeOf(value, 'remove')),
          'Check-in time removed',
        );
      case 'days':
        if (value === '')
          throw new UserError(`Which days? For example \`/checkin days weekdays\`.`, 'MISSING_DAYS');
        return settingsReply(user, await checkins.setDays(user, parseDays(value)), 'Check-in days changed');
      case 'pause':
        return settingsReply(user, await checkins.pause(user, PAUSE_DAYS), 'Check-ins paused for a week');
      case 'keep':
        return settingsReply(user, await checkins.keep(user), 'Check-ins continue');
      case 'answer': {
        const { promptId, rest } = promptOf(value);
        return answer(services, user, { promptId, score: rest, deliveryKey, now });
      }
      case 'emotion': {
        const { promptId, rest } = promptOf(value);
        const tags = emotionTags.resolve(rest, {
          name: 'emotions',
          example: '/checkin emotion prompt:1 -- tired',
        });
        if (tags.length === 0)
          throw new UserError(
            'Which emotions? Write them separated by commas, e.g. `tired, calm`.',
            'MISSING_EMOTIONS',
          );
        const entry = await checkins.addEmotions(user, promptId, tags);
        return card(checkins, user, promptId, entry, now);
      }
      case 'note': {
        const { promptId, rest } = promptOf(value);
        if (rest === '')
          throw new UserError('The note is empty, so nothing changed. Write a few words.', 'EMPTY_NOTE');
        const entry = await checkins.addNote(user, promptId, rest);
        return card(checkins, user, promptId, entry, now);
      }
      default: {
        // "/checkin 9pm", "/checkin 9pm weekdays": on, at that one time (and those days).
        const minute = timeOrAction(action);
        if (value !== '') await checkins.setDays(user, parseDays(value));
        return settingsReply(user, await checkins.setOnly(user, minute), 'Check-ins are on');
      }
    }
  },
});

/** A first word that is no action must be a time; a word without digits was meant as an action. */
function timeOrAction(word: string): number {
  if (!/\d/.test(word) && word !== 'noon' && word !== 'midnight') {
    throw new UserError(`\`/checkin ${word}\` is not something I know. Try ${FORMS}.`, 'UNKNOWN_ACTION');
  }
  return parseTimeOfDay(word);
}

function timeOf(value: string, verb: 'add' | 'remove'): number {
  if (value === '')
    throw new UserError(`Which time? For example \`/checkin ${verb} 13:00\`.`, 'MISSING_TIME');
  return parseTimeOfDay(value);
}

/**
 * The check-in a button stands for and what follows it: the buttons carry `answer 12 7`, `emotion 12 --
 * tired`, `note 12 -- long day` (a form's text comes after the --), so these never appear as options
 * on Discord's /checkin.
 */
function promptOf(value: string): { promptId: number; rest: string } {
  const match = /^(\d{1,10})(?:\s+(?:--\s*)?([\s\S]*))?$/.exec(value);
  const promptId = Number(match?.[1]);
  if (!match || !Number.isSafeInteger(promptId) || promptId < 1 || promptId > 2_147_483_647) {
    throw new UserError(
      'That works from a check-in message: tap its buttons. `/checkin` shows your check-in.',
      'NO_PROMPT',
    );
  }
  return { promptId, rest: (match[2] ?? '').trim() };
}

/** How the settings read: on or off, the times and days in the user's zone, and when the next one comes. */
function renderSettings(
  user: CommandUser,
  settings: CheckinSettings,
  title: string,
  platform: Platform,
): Reply {
  const zone = user.timeZone;
  if (settings.times.length === 0 || !settings.enabled) {
    const text =
      settings.times.length > 0
        ? `Check-ins are off. Your times stay saved: ${timesText(settings)}, ${describeDays(settings.days)} ` +
          `(${zone}); \`/checkin on\` turns them back on.`
        : `Check-ins are off. \`/checkin 9pm\` asks you by direct message every day at 21:00 (${zone}); ` +
          'one tap answers.';
    return reply.private({ title, text, color: 'info' });
  }
  const next = settings.next
    ? new Intl.DateTimeFormat('en-GB', {
        timeZone: zone,
        weekday: 'short',
        day: 'numeric',
        month: 'short',
        hour: '2-digit',
        minute: '2-digit',
      }).format(settings.next)
    : 'none on the days chosen';
  const paused = settings.pausedUntil ? ' (paused until then)' : '';
  return reply.private({
    title,
    text: `On: ${timesText(settings)}, ${describeDays(settings.days)} (${zone}).`,
    fields: [
      { name: 'Next check-in', value: `${next}${paused}`, inline: true },
      { name: 'Change it', value: FORMS },
      {
        name: 'Good to know',
        value:
          platform === 'console'
            ? 'Check-ins come by direct message on Discord or Slack; the console gets none. `/link` joins this ' +
              'history to your Discord or Slack account. Your time zone: `/settings timezone`.'
            : 'Check-ins come by direct message. You can also write me there any time: `6 tired -- long day` ' +
              'logs a mood. Your time zone: `/settings timezone`.',
      },
    ],
    color: 'success',
  });
}

function timesText(settings: CheckinSettings): string {
  return settings.times.map(formatTimeOfDay).join(', ');
}

async function answer(
  services: Services,
  user: CommandUser,
  request: { promptId: number; score: string; deliveryKey: string | undefined; now: Date },
): Promise<Reply> {
  const { checkins, care } = services;
  const { promptId } = request;
  const score = Number(request.score);
  if (!/^\d{1,2}$/.test(request.score) || score < 1 || score > 10) {
    throw new UserError('A check-in takes a number from 1 to 10: tap one of its buttons.', 'BAD_SCORE');
  }
  const result = await checkins.answer(user, { promptId, score, deliveryKey: request.deliveryKey });
  if (result.kind === 'answered-before') {
    if (!result.entry) {
      return reply.private({
        title: 'Check-in answered already',
        text: result.linked
          ? 'The mood it logged was taken back. `/mood` logs a new one.'
          : 'This tap was saved already, so nothing new was saved. `/history` shows your entries.',
        color: 'info',
      });
    }
    const shown = await card(checkins, user, promptId, result.entry, request.now);
    return { ...shown, title: 'Check-in answered already', text: `Nothing new was saved. ${shown.text}` };
  }
  const { logged } = result;
  const picks = await checkins.quickPicks(user.id, QUICK_PICKS);
  return loggedCardReply({
    promptId,
    entry: logged.entry,
    picks,
    timeZone: user.timeZone,
    now: request.now,
    streakDays: logged.stats.streakDays,
    care: logged.care ? care.text : undefined,
  });
}

async function card(
  checkins: CheckinService,
  user: CommandUser,
  promptId: number,
  entry: Parameters<typeof loggedCardReply>[0]['entry'],
  now: Date,
): Promise<Reply> {
  const picks = await checkins.quickPicks(user.id, QUICK_PICKS);
  return loggedCardReply({ promptId, entry, picks, timeZone: user.timeZone, now });
}
