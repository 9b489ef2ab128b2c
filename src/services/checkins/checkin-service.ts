import type { Clock } from '../../core/clock.js';
import { UserError } from '../../core/errors.js';
import { LruCache } from '../../core/lru-cache.js';
import { createStatementGroup } from '../../core/statement-group.js';
import type { Db } from '../../db/database.js';
import {
  findCheckinSchedule,
  findUserPrompt,
  linkPromptAnswer,
  markCheckinsOffered,
  type ScheduleChange,
  saveCheckinSchedule,
} from '../../db/repositories/checkins.js';
import { amendMoodEntry, findMoodEntry, topEmotions } from '../../db/repositories/mood-entries.js';
import type { CheckinPrompt, MoodEntry } from '../../db/schema/index.js';
import type { MoodLogged, MoodService, MoodUser } from '../mood/mood-service.js';
import type { NoteCipher } from '../mood/note-cipher.js';
import { addTime, EVERY_DAY, nextSlot, removeTime } from './schedule.js';

/** A user's check-in settings as /checkin shows them. */
export interface CheckinSettings {
  enabled: boolean;
  /** Minutes after local midnight, sorted. */
  times: number[];
  days: number;
  pausedUntil: Date | null;
  /** The next prompt's instant, when check-ins are on and a time is set. */
  next: Date | undefined;
}

/** What answering a prompt did: a new entry, or the entry an earlier tap logged. */
export type PromptAnswer =
  | { kind: 'logged'; logged: MoodLogged; promptId: number }
  | {
      kind: 'answered-before';
      /** The entry that answered it; undefined when it was undone, or not linked (see `linked`). */
      entry: MoodEntry | undefined;
      /** False when this very tap was saved before but a crash came before the prompt was marked. */
      linked: boolean;
      promptId: number;
    };

export interface CheckinService {
  settings(user: MoodUser): Promise<CheckinSettings>;
  /** `/checkin 9pm`: check-ins on, at this one time. */
  setOnly(user: MoodUser, minute: number): Promise<CheckinSettings>;
  add(user: MoodUser, minute: number): Promise<CheckinSettings>;
  remove(user: MoodUser, minute: number): Promise<CheckinSettings>;
  setDays(user: MoodUser, days: number): Promise<CheckinSettings>;
  /** On (with at least one time set) or off. Turning on starts the unanswered count afresh. */
  setEnabled(user: MoodUser, enabled: boolean): Promise<CheckinSettings>;
  /** "Pause for a week" (or `days`), and the unanswered count starts afresh after it. */
  pause(user: MoodUser, days: number): Promise<CheckinSettings>;
  /** "Keep": prompts go on, the unanswered count starts afresh. */
  keep(user: MoodUser): Promise<CheckinSettings>;
  /**
   * Called for a user's first mood (none other in the last two weeks): true when the answer should offer
   * a daily check-in, which is then remembered (no user who set up check-ins in this process, none offered
   * one before). Decided in memory; the offer is written to the database in the background.
   */
  offerAfterFirstMood(userId: number): boolean;
  /** A tap on a prompt's score: logs it through /mood's path, once per prompt. */
  answer(
    user: MoodUser,
    request: { promptId: number; score: number; deliveryKey?: string | undefined },
  ): Promise<PromptAnswer>;
  /** Adds emotions to the entry that answered a prompt. */
  addEmotions(user: MoodUser, promptId: number, emotions: readonly string[]): Promise<MoodEntry>;
  /** Sets the note of the entry that answered a prompt (sealed like every note). */
  addNote(user: MoodUser, promptId: number, note: string): Promise<MoodEntry>;
  /** The user's most used emotions, for quick picks. */
  quickPicks(userId: number, count: number): Promise<string[]>;
}

/** How long the first offer of a burst waits for others before their record is written. */
const OFFER_WRITE_LINGER_MS = 200;

/** Quick picks for a user who has tagged nothing yet. */
const STARTER_PICKS = ['calm', 'happy', 'tired', 'anxious'];
const MAX_TAGS = 10;

const notYours = () =>
  new UserError(
    'That check-in is not one of yours or no longer exists, so nothing was saved. `/mood 6 tired` logs a mood any time.',
    'UNKNOWN_PROMPT',
  );

export function createCheckinService(deps: {
  db: Db;
  clock: Clock;
  moods: MoodService;
  notes: NoteCipher;
}): CheckinService {
  const { db, clock, moods } = deps;
  // Users offered a check-in already, so /mood writes the offer about once per user and process; bounded,
  // a user forgotten here costs one more write that finds the offer made.
  const offered = new LruCache<number, true>(50_000, 24 * 3_600_000);
  // Nobody waits on the record of an offer: a burst of new users' offers lingers into a few statements
  // instead of a statement each beside the commands still to answer.
  const offerWrites = createStatementGroup<number, void>(
    async (userIds) => {
      await markCheckinsOffered(db, userIds, clock.now());
      return userIds.map(() => undefined);
    },
    { maxInFlight: 1, lingerMs: OFFER_WRITE_LINGER_MS },
  );

  async function view(user: MoodUser): Promise<CheckinSettings> {
    const row = await findCheckinSchedule(db, user.id);
    return shape(user, row ?? { enabled: false, times: [], days: EVERY_DAY, pausedUntil: null });
  }

  function shape(
    user: MoodUser,
    row: { enabled: boolean; times: number[]; days: number; pausedUntil: Date | null },
  ): CheckinSettings {
    const now = clock.now();
    const paused = row.pausedUntil && row.pausedUntil > now ? row.pausedUntil : null;
    const from = paused ?? now;
    const next =
      row.enabled && row.times.length > 0
        ? nextSlot({ times: row.times, days: row.days }, user.timeZone, new Date(from.getTime() - 1))
        : undefined;
    return {
      enabled: row.enabled,
      times: [...row.times].sort((a, b) => a - b),
      days: row.days,
      pausedUntil: paused,
      next,
    };
  }

  async function save(user: MoodUser, change: ScheduleChange): Promise<CheckinSettings> {
    const row = await saveCheckinSchedule(db, user.id, change, clock.now());
    offered.set(user.id, true);
    return shape(user, row);
  }

  async function promptOf(user: MoodUser, promptId: number): Promise<CheckinPrompt> {
    const prompt = await findUserPrompt(db, user.id, promptId);
    if (prompt?.kind !== 'prompt') throw notYours();
    return prompt;
  }

  async function answeredEntry(user: MoodUser, promptId: number): Promise<number> {
    const prompt = await promptOf(user, promptId);
    if (prompt.moodEntryId === null) {
      throw new UserError(
        prompt.answeredAt
          ? 'The mood this check-in logged was taken back, so there is nothing to add to. `/mood` logs a new one.'
          : 'Tap a number first: the emotions and the note go with the mood you log.',
        'NOT_ANSWERED',
      );
    }
    return prompt.moodEntryId;
  }

  async function amend(
    user: MoodUser,
    promptId: number,
    change: { addEmotions?: readonly string[]; sealedNote?: string },
  ): Promise<MoodEntry> {
    const entryId = await answeredEntry(user, promptId);
    const entry = await amendMoodEntry(db, { userId: user.id, entryId, maxTags: MAX_TAGS, ...change });
    if (!entry) {
      throw new UserError(
        'The mood this check-in logged was taken back, so there is nothing to add to. `/mood` logs a new one.',
        'NOT_ANSWERED',
      );
    }
    return entry;
  }

  return {
    settings: view,

    async setOnly(user, minute) {
      return save(user, { enabled: true, times: [minute], resumedAt: clock.now() });
    },

    async add(user, minute) {
      const current = await view(user);
      return save(user, { enabled: true, times: addTime(current.times, minute), resumedAt: clock.now() });
    },

    async remove(user, minute) {
      const current = await view(user);
      const times = removeTime(current.times, minute);
      return save(user, { times, ...(times.length === 0 ? { enabled: false } : {}) });
    },

    setDays: (user, days) => save(user, { days }),

    async setEnabled(user, enabled) {
      if (enabled) {
        const current = await view(user);
        if (current.times.length === 0) {
          throw new UserError(
            'Check-ins need a time first: `/checkin 9pm` turns them on at 21:00 in your time zone.',
            'NO_CHECKIN_TIME',
          );
        }
        return save(user, { enabled: true, pausedUntil: null, resumedAt: clock.now() });
      }
      return save(user, { enabled: false });
    },

    async pause(user, days) {
      const current = await view(user);
      if (!current.enabled) {
        throw new UserError('Check-ins are off already. `/checkin 9pm` turns them on.', 'CHECKINS_OFF');
      }
      const until = new Date(clock.now().getTime() + days * 86_400_000);
      return save(user, { pausedUntil: until, resumedAt: until });
    },

    keep: (user) => save(user, { resumedAt: clock.now(), pausedUntil: null }),

    offerAfterFirstMood(userId) {
      if (offered.get(userId)) return false;
      offered.set(userId, true);
      // Recorded after the answer, not before it: a burst of new users' first moods waits for nothing.
      void offerWrites.run(userId).catch(() => undefined);
      return true;
    },

    async answer(user, request) {
      const prompt = await promptOf(user, request.promptId);
      const before = async (): Promise<PromptAnswer> => {
        const current = await promptOf(user, request.promptId);
        const entry =
          current.moodEntryId === null ? undefined : await findMoodEntry(db, user.id, current.moodEntryId);
        return {
          kind: 'answered-before',
          entry,
          linked: current.answeredAt !== null,
          promptId: request.promptId,
        };
      };
      if (prompt.answeredAt !== null) return before();
      let logged: MoodLogged;
      try {
        logged = await moods.log(user, {
          score: request.score,
          emotions: [],
          note: null,
          deliveryKey: request.deliveryKey,
        });
      } catch (error) {
        // The same tap run again (a crash, a second instance): what it logged is linked already.
        if (error instanceof UserError && error.code === 'ALREADY_APPLIED') return before();
        throw error;
      }
      const linked = await linkPromptAnswer(db, {
        userId: user.id,
        promptId: request.promptId,
        moodEntryId: logged.entry.id,
        at: clock.now(),
      });
      if (!linked) {
        // Another tap on the same prompt got there first: this one's entry goes, so one tap counts.
        await moods.undo(user, { entryId: logged.entry.id });
        return before();
      }
      return { kind: 'logged', logged, promptId: request.promptId };
    },

    addEmotions: (user, promptId, emotions) => amend(user, promptId, { addEmotions: emotions }),

    async addNote(user, promptId, note) {
      const sealed = deps.notes.seal(user.id, note);
      return amend(user, promptId, sealed === null ? {} : { sealedNote: sealed });
    },

    async quickPicks(userId, count) {
      const since = new Date(clock.now().getTime() - 90 * 86_400_000);
      const used = (await topEmotions(db, userId, since, count)).map((e) => e.emotion);
      const picks = [...used];
      for (const starter of STARTER_PICKS)
        if (picks.length < count && !picks.includes(starter)) picks.push(starter);
      return picks.slice(0, count);
    },
  };
}
