import { localTimeOfDay } from '../../core/calendar/index.js';
import { type Reply, type ReplyButton, reply } from '../../core/commands/index.js';
import { plural } from '../../core/plural.js';
import { tagList } from '../../core/tag-list.js';
import type { MoodEntry } from '../../db/schema/index.js';
import { UNDO_WINDOW_MS } from '../mood/mood-service.js';

/** How long a prompt's buttons log a mood: a day, so an evening prompt still works the next morning. */
export const PROMPT_BUTTONS_MS = 24 * 3_600_000;
/** A streak is worth a line from this many days; below it, saying nothing is kinder than counting. */
export const STREAK_WORTH_MENTIONING = 3;

/** The DM at a check-in time: ten buttons, 1 to 10, that each log a mood. */
export function promptReply(prompt: { id: number; slotAt: Date }, streakDays: number): Reply {
  const expiresAt = new Date(prompt.slotAt.getTime() + PROMPT_BUTTONS_MS);
  const buttons: ReplyButton[] = Array.from({ length: 10 }, (_, i) => ({
    id: `checkin:${prompt.id}:${i + 1}`,
    label: String(i + 1),
    style: 'secondary' as const,
    action: `/checkin answer ${prompt.id} ${i + 1}`,
    updatesMessage: true,
    expiresAt,
  }));
  const streak =
    streakDays >= STREAK_WORTH_MENTIONING ? `\nYou have logged ${plural(streakDays, 'day')} in a row.` : '';
  return reply.private({
    title: 'How are you feeling?',
    text: `Tap a number: 1 is awful, 10 is great. Only you see this.${streak}`,
    buttons,
    color: 'info',
  });
}

/** After three prompts went unanswered: one message, and no more prompts until the user says. */
export function keepAskingReply(): Reply {
  const button = (id: string, label: string, action: string, style: ReplyButton['style']): ReplyButton => ({
    id: `checkin:keep:${id}`,
    label,
    style,
    action,
    updatesMessage: true,
  });
  return reply.private({
    title: 'Keep the daily check-ins?',
    text:
      'The last three check-ins went unanswered, so I have stopped asking. That is fine: ' +
      'tell me what suits you. Any `/mood` you log starts them again too.',
    buttons: [
      button('keep', 'Keep them', '/checkin keep', 'primary'),
      button('pause', 'Pause for a week', '/checkin pause', 'secondary'),
      button('off', 'Turn off', '/checkin off', 'danger'),
    ],
    color: 'info',
  });
}

export interface LoggedCard {
  promptId: number;
  entry: Pick<MoodEntry, 'id' | 'moodScore' | 'emotions' | 'notes' | 'createdAt'>;
  /** The user's usual emotions, offered as one-tap additions (those on the entry are left out). */
  picks: readonly string[];
  timeZone: string;
  now: Date;
  /** Days in a row, shown from STREAK_WORTH_MENTIONING. */
  streakDays?: number;
  /** Helpline resources, when the mood was very low. */
  care?: string | undefined;
}

/** The prompt once answered: what was logged, then the optional steps (emotions, a note) and Undo. */
export function loggedCardReply(card: LoggedCard): Reply {
  const { entry, promptId } = card;
  const tags = entry.emotions ?? [];
  const at = localTimeOfDay(entry.createdAt, card.timeZone);
  const tagText = tags.length > 0 ? ` — ${tagList(tags)}` : '';
  const noteText = entry.notes !== null ? ', with your note' : '';
  const lines = [`Saved ${entry.moodScore}/10${tagText}${noteText} at ${at}.`];
  if ((card.streakDays ?? 0) >= STREAK_WORTH_MENTIONING)
    lines.push(`That makes ${plural(card.streakDays ?? 0, 'day')} in a row.`);
  const buttons: ReplyButton[] = [];
  if (tags.length < 10) {
    for (const pick of card.picks.filter((p) => !tags.includes(p)).slice(0, 4)) {
      buttons.push({
        id: `checkin:${promptId}:tag:${pick}`,
        label: pick,
        style: 'secondary',
        action: `/checkin emotion ${promptId} -- ${pick}`,
        updatesMessage: true,
      });
    }
    buttons.push({
      id: `checkin:${promptId}:other`,
      label: 'Other…',
      style: 'secondary',
      action: `/checkin emotion ${promptId}`,
      form: { title: 'How else do you feel?', label: 'Emotions, separated by commas', maxLength: 200 },
    });
  }
  buttons.push({
    id: `checkin:${promptId}:note`,
    label: entry.notes !== null ? 'Change the note' : 'Add a note',
    style: 'primary',
    action: `/checkin note ${promptId}`,
    form: { title: 'A note for yourself', label: 'Only you can read it', maxLength: 1000 },
  });
  const undoUntil = new Date(entry.createdAt.getTime() + UNDO_WINDOW_MS);
  if (undoUntil > card.now) {
    buttons.push({
      id: `checkin:${promptId}:undo`,
      label: 'Undo',
      style: 'danger',
      action: `/undo entry:${entry.id}`,
      updatesMessage: true,
      expiresAt: undoUntil,
    });
  }
  const fields = card.care ? [{ name: 'You are not alone', value: card.care }] : undefined;
  return reply.private({
    title: `Check-in logged: ${entry.moodScore}/10`,
    text: lines.join('\n'),
    ...(fields ? { fields } : {}),
    buttons,
    color: card.care ? 'warning' : 'success',
  });
}
