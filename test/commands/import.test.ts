import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { fixedClock, systemClock } from '../../src/core/clock.js';
import type { IncomingFile, Reply } from '../../src/core/commands/index.js';
import { UserError } from '../../src/core/errors.js';
import type { Outcome } from '../../src/platforms/dispatcher.js';
import { type AppHarness, createAppHarness, newAccount, textOf, userOf } from '../support/app-harness.js';
import { queryRows } from '../support/query-rows.js';
import { describeEachDatabase } from '../support/test-database.js';

const NOW = new Date('2026-12-05T12:00:00Z');

/** A file as a platform hands it to the command. */
function fileOf(name: string, content: string | Uint8Array): IncomingFile {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  return {
    name,
    size: bytes.byteLength,
    async read(maxBytes) {
      if (bytes.byteLength > maxBytes) throw new UserError(`over ${maxBytes} bytes`, 'FILE_TOO_LARGE');
      return bytes;
    },
  };
}

const DAYLIO = [
  'full_date,date,weekday,time,mood,activities,note_title,note',
  '2026-11-03,November 3,Tuesday,21:30,good,friends | music,Dinner,"Pasta with Sam, then a film"',
  '2026-11-02,November 2,Monday,8:05 AM,meh,work,,',
  '2026-11-01,November 1,Sunday,19:00,rad,hiking,,Summit at last',
  '2026-10-31,October 31,Saturday,10:00,awful,,,',
].join('\n');

const CUSTOM = [
  'full_date,date,weekday,time,mood,activities,note_title,note',
  '2026-11-03,November 3,Tuesday,21:30,sleepy,,,',
  '2026-11-02,November 2,Monday,21:30,sleepy,,,',
  '2026-11-01,November 1,Sunday,21:30,good,,,',
].join('\n');

interface StoredEntry {
  at: string;
  score: number;
  emotions: string[] | null;
  notes: string | null;
}

async function entriesOf(app: AppHarness, userId: number): Promise<StoredEntry[]> {
  return queryRows<StoredEntry>(
    app.db,
    sql`SELECT to_char(created_at, 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS at, mood_score AS score, emotions, notes
          FROM mood_entries WHERE user_id = ${userId} ORDER BY created_at, id`,
  );
}

/** Entries as an import must give them back: instant, score, tags, and whether the note is sealed. */
async function historyOf(app: AppHarness, userId: number) {
  const rows = await queryRows<StoredEntry & { id: number; user_id: number }>(
    app.db,
    sql`SELECT id, user_id, to_char(created_at, 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS at, mood_score AS score, emotions, notes
          FROM mood_entries WHERE user_id = ${userId} ORDER BY created_at, id`,
  );
  return rows.map((r) => ({
    at: r.at,
    score: r.score,
    emotions: r.emotions,
    sealed: r.notes?.startsWith('enc:'),
  }));
}

const buttonAction = (result: Outcome | Reply, label: RegExp): string => {
  const reply = 'reply' in result ? result.reply : result;
  const button = reply.buttons?.find((b) => label.test(b.label));
  if (!button) throw new Error(`no button ${label} in: ${textOf(reply)}`);
  return button.action;
};

describeEachDatabase('/import', (getDb) => {
  const setup = (options: Parameters<typeof createAppHarness>[1] = {}) =>
    createAppHarness(getDb().db, { clock: fixedClock(NOW), ...options });
  const upload = (app: AppHarness, who: string, file: IncomingFile, action?: string) =>
    app.dispatcher.dispatch({
      identity: { platform: 'console', workspaceId: '', externalUserId: who },
      command: 'import',
      input: { values: { file, ...(action ? { action } : {}) } },
    });

  describe('a Daylio export', () => {
    it('GIVEN a Daylio CSV WHEN it is given to /import THEN the preview counts the entries and their days, and nothing is written', async () => {
      const app = setup();
      const who = newAccount('daylio');
      const result = await upload(app, who, fileOf('daylio_export.csv', DAYLIO));

      expect(result.outcome).toBe('ok');
      expect(textOf(result)).toContain('Daylio export: 4 entries from 2026-10-31 to 2026-11-03');
      expect(textOf(result)).toContain('4 new entries');
      expect(await entriesOf(app, userOf(result))).toEqual([]);
    });

    it('GIVEN a preview WHEN its Import button is clicked THEN the entries are stored with the documented scores, tags and sealed notes', async () => {
      const app = setup();
      const who = newAccount('daylio');
      const preview = await upload(app, who, fileOf('daylio_export.csv', DAYLIO));
      const done = await app.run(buttonAction(preview, /^Import/), who);

      expect(textOf(done)).toContain('4 entries added');
      const stored = await entriesOf(app, userOf(done));
      expect(stored.map((e) => [e.at, e.score, e.emotions])).toEqual([
        ['2026-10-31T10:00:00.000', 1, null],
        ['2026-11-01T19:00:00.000', 10, ['hiking']],
        ['2026-11-02T08:05:00.000', 6, ['work']],
        ['2026-11-03T21:30:00.000', 8, ['friends', 'music']],
      ]);
      expect(stored.filter((e) => e.notes !== null).every((e) => e.notes?.startsWith('enc:'))).toBe(true);
      expect(textOf(await app.run('/history 60', who))).toContain('Pasta with Sam');
    });

    it('GIVEN a Daylio export imported once WHEN it is imported again THEN the preview says every entry is there already and nothing is added', async () => {
      const app = setup();
      const who = newAccount('daylio');
      await app.run(buttonAction(await upload(app, who, fileOf('d.csv', DAYLIO)), /^Import/), who);
      const again = await upload(app, who, fileOf('d.csv', DAYLIO));

      expect(textOf(again)).toContain('4 entries are in your history already');
      expect(textOf(again)).toContain('Nothing new to add');
      expect(again.reply.buttons?.map((b) => b.label)).toEqual(['Cancel']);
      expect(await entriesOf(app, userOf(again))).toHaveLength(4);
    });

    it('GIVEN the Import button WHEN it is clicked twice THEN the entries are written once and the second click says so', async () => {
      const app = setup();
      const who = newAccount('daylio');
      const confirm = buttonAction(await upload(app, who, fileOf('d.csv', DAYLIO)), /^Import/);
      const [first, second] = await Promise.all([app.run(confirm, who), app.run(confirm, who)]);
      const third = await app.run(confirm, who);

      expect([textOf(first), textOf(second)].filter((t) => t.includes('4 entries added'))).toHaveLength(1);
      expect(textOf(third)).toContain('That import is done');
      expect(await entriesOf(app, userOf(third))).toHaveLength(4);
    });

    it('GIVEN custom Daylio moods WHEN the preview asks for a score and one is tapped THEN those rows are imported with that score', async () => {
      const app = setup();
      const who = newAccount('custom');
      const preview = await upload(app, who, fileOf('custom.csv', CUSTOM));
      expect(textOf(preview)).toContain('sleepy (2 rows)');
      expect(preview.reply.buttons?.filter((b) => /^\d+$/.test(b.label))).toHaveLength(10);

      const mapped = await app.run(buttonAction(preview, /^4$/), who);
      expect(textOf(mapped)).not.toContain('without a score');
      expect(textOf(mapped)).toContain('3 new entries');
      await app.run(buttonAction(mapped, /^Import/), who);

      const stored = await entriesOf(app, userOf(mapped));
      expect(stored.map((e) => e.score)).toEqual([8, 4, 4]);
    });

    it('GIVEN custom moods left without a score WHEN the import is confirmed THEN only the scored rows are written', async () => {
      const app = setup();
      const who = newAccount('custom');
      const preview = await upload(app, who, fileOf('custom.csv', CUSTOM));
      await app.run(buttonAction(preview, /^Import/), who);

      expect((await entriesOf(app, userOf(preview))).map((e) => e.score)).toEqual([8]);
    });

    it('GIVEN --yes in the console WHEN a file is given THEN it is imported without a preview step', async () => {
      const app = setup();
      const who = newAccount('yes');
      const result = await upload(app, who, fileOf('d.csv', DAYLIO), '--yes');

      expect(textOf(result)).toContain('4 entries added');
      expect(await entriesOf(app, userOf(result))).toHaveLength(4);
    });

    it('GIVEN --yes and a custom mood without a score THEN nothing is written and the preview says why', async () => {
      const app = setup();
      const who = newAccount('yes-custom');
      const result = await upload(app, who, fileOf('custom.csv', CUSTOM), '--yes');

      expect(textOf(result)).toContain('Not imported yet: every mood needs a score first');
      expect(await entriesOf(app, userOf(result))).toEqual([]);
    });
  });

  describe('a MoodScale export', () => {
    it('GIVEN a history WHEN it is exported, forgotten and imported THEN the same entries, notes, tags, settings and shares come back', async () => {
      const app = setup({ clock: systemClock });
      const who = newAccount('roundtrip');
      await app.run('/mood 3 tired anxious -- a hard, "long" day', who);
      await app.run('/mood 8 calm -- line one\nline two', who);
      const userId = userOf(await app.run('/settings timezone Europe/Berlin', who));
      await app.db.execute(
        sql`INSERT INTO music_analysis (user_id, spotify_track_id, track_name, artist_name, audio_features, predicted_mood, mood_confidence)
            VALUES (${userId}, '4uLU6hMCjMI75M1A2tKUQC', 'Song', 'Band', '{"energy":0.5,"valence":0.7}'::jsonb, 'happy', 0.8)`,
      );
      const before = await historyOf(app, userId);
      const exported = (await app.run('/export', who)).reply.files?.find(
        (f) => f.contentType === 'application/json',
      );
      if (typeof exported?.data !== 'string') throw new Error('no export');
      await app.services.privacy.forget(userId);

      const preview = await upload(app, who, fileOf(exported.name, exported.data));
      expect(textOf(preview)).toContain('MoodScale export: 2 entries');
      expect(textOf(preview)).toContain('time zone Europe/Berlin');
      const done = await app.run(buttonAction(preview, /^Import/), who);
      const newId = userOf(done);

      expect(newId).not.toBe(userId);
      expect(await historyOf(app, newId)).toEqual(before);
      expect(textOf(await app.run('/history 7', who))).toContain('a hard, "long" day');
      expect((await app.services.settings.get(newId)).timeZone).toBe('Europe/Berlin');
      const shares = await queryRows<{ track: string; mood: string }>(
        app.db,
        sql`SELECT spotify_track_id AS track, predicted_mood AS mood FROM music_analysis WHERE user_id = ${newId}`,
      );
      expect(shares).toEqual([{ track: '4uLU6hMCjMI75M1A2tKUQC', mood: 'happy' }]);
    });

    it("GIVEN someone else's export WHEN it is given to /import THEN it is refused and nothing is written", async () => {
      const app = setup({ clock: systemClock });
      const owner = newAccount('owner');
      await app.run('/mood 5 -- mine', owner);
      const exported = (await app.run('/export', owner)).reply.files?.find(
        (f) => f.contentType === 'application/json',
      );
      if (typeof exported?.data !== 'string') throw new Error('no export');
      const thief = newAccount('thief');

      const result = await upload(app, thief, fileOf('theirs.json', exported.data));

      expect(result.outcome).toBe('user_error');
      expect(textOf(result)).toMatch(/another account/i);
      expect(await entriesOf(app, userOf(result))).toEqual([]);
    });
  });

  describe('bad files', () => {
    const refusals: Array<[string, string | Uint8Array, RegExp]> = [
      ['a picture', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), /Daylio/],
      ['wrong columns', 'when,how\n2026-01-01,5\n', /column/i],
      ['an empty file', '', /empty/i],
    ];
    for (const [what, content, message] of refusals) {
      it(`GIVEN ${what} WHEN it is given to /import THEN a clear answer says what is read and nothing is stored`, async () => {
        const app = setup();
        const who = newAccount('bad');
        const result = await upload(app, who, fileOf('upload.bin', content));

        expect(result.outcome).toBe('user_error');
        expect(textOf(result)).toMatch(message);
        const pending = await queryRows<{ n: number }>(
          app.db,
          sql`SELECT count(*)::int AS n FROM pending_imports WHERE user_id = ${userOf(result)}`,
        );
        expect(pending[0]?.n).toBe(0);
      });
    }

    it('GIVEN rows with a score of 11 and a date in the future THEN the preview lists them by line and imports the rest', async () => {
      const app = setup();
      const who = newAccount('rows');
      const csv = 'date,score,tags,note\n2026-11-01,7,calm,\n2026-11-02,11,,\n2027-01-01,5,,\n';
      const preview = await upload(app, who, fileOf('mine.csv', csv));

      expect(textOf(preview)).toMatch(/line 3: .*11/);
      expect(textOf(preview)).toMatch(/line 4: .*future/);
      await app.run(buttonAction(preview, /^Import/), who);
      expect((await entriesOf(app, userOf(preview))).map((e) => e.score)).toEqual([7]);
    });

    it('GIVEN more entries than IMPORT_MAX_ENTRIES THEN the file is refused with the limit', async () => {
      const app = setup({ imports: { maxEntries: 2, maxBytes: 5_000_000, perHour: 10 } });
      const result = await upload(app, newAccount('many'), fileOf('d.csv', DAYLIO));

      expect(result.outcome).toBe('user_error');
      expect(textOf(result)).toMatch(/2/);
    });

    it('GIVEN a file larger than IMPORT_MAX_BYTES THEN it is refused before it is read', async () => {
      const app = setup({ imports: { maxEntries: 10_000, maxBytes: 100, perHour: 10 } });
      const result = await upload(app, newAccount('big'), fileOf('d.csv', DAYLIO));

      expect(result.outcome).toBe('user_error');
    });

    it('GIVEN more previews in an hour than IMPORT_PER_HOUR THEN the next is refused with when to try again', async () => {
      const app = setup({ imports: { maxEntries: 10_000, maxBytes: 5_000_000, perHour: 2 } });
      const who = newAccount('often');
      await upload(app, who, fileOf('d.csv', DAYLIO));
      await upload(app, who, fileOf('d.csv', DAYLIO));
      const third = await upload(app, who, fileOf('d.csv', DAYLIO));

      expect(third.outcome).toBe('user_error');
      expect(textOf(third)).toMatch(/try again in \d+ minute/);
    });
  });

  describe('the preview', () => {
    it('GIVEN a preview WHEN Cancel is clicked THEN its file is dropped and Import says it was cancelled', async () => {
      const app = setup();
      const who = newAccount('cancel');
      const preview = await upload(app, who, fileOf('d.csv', DAYLIO));
      await app.run(buttonAction(preview, /^Cancel$/), who);
      const late = await app.run(buttonAction(preview, /^Import/), who);

      expect(textOf(late)).toContain('cancelled');
      const rows = await queryRows<{ payload: string | null }>(
        app.db,
        sql`SELECT payload FROM pending_imports WHERE user_id = ${userOf(late)}`,
      );
      expect(rows).toEqual([{ payload: null }]);
      expect(await entriesOf(app, userOf(late))).toEqual([]);
    });

    it('GIVEN a preview older than 30 minutes WHEN Import is clicked THEN nothing is written and the answer says to start again', async () => {
      const who = newAccount('late');
      const preview = await upload(setup(), who, fileOf('d.csv', DAYLIO));
      const later = setup({ clock: fixedClock(new Date(NOW.getTime() + 31 * 60_000)) });
      const late = await later.run(buttonAction(preview, /^Import/), who);

      expect(textOf(late)).toContain('more than 30 minutes old');
      expect(await entriesOf(later, userOf(late))).toEqual([]);
    });

    it("GIVEN another user's import number WHEN they click its Import THEN it is not theirs and nothing is written", async () => {
      const app = setup();
      const preview = await upload(app, newAccount('one'), fileOf('d.csv', DAYLIO));
      const other = await app.run(buttonAction(preview, /^Import/), newAccount('two'));

      expect(other.outcome).toBe('user_error');
      expect(textOf(other)).toContain('no import');
    });

    it('GIVEN an import whose writer stopped mid-way (its lease ran out) WHEN Import is clicked again THEN the rest is written and nothing twice', async () => {
      const app = setup();
      const who = newAccount('crash');
      const preview = await upload(app, who, fileOf('d.csv', DAYLIO));
      const userId = userOf(preview);
      const id = Number(/id:(\d+)/.exec(buttonAction(preview, /^Import/))?.[1]);
      // What a crash after the first rows leaves: the claim with a lease that ran out, two rows written.
      await app.db.execute(
        sql`UPDATE pending_imports SET status = 'importing', lease_expires_at = ${new Date(NOW.getTime() - 1000).toISOString()}::timestamp WHERE id = ${id}`,
      );
      await app.db.execute(
        sql`INSERT INTO mood_entries (user_id, mood_score, created_at) VALUES
              (${userId}, 1, '2026-10-31T10:00:00'), (${userId}, 10, '2026-11-01T19:00:00')`,
      );
      const done = await app.run(buttonAction(preview, /^Import/), who);

      expect(textOf(done)).toContain('2 entries added');
      expect(textOf(done)).toContain('2 entries were there already');
      expect(await entriesOf(app, userId)).toHaveLength(4);
    });

    it('GIVEN an import WHEN it is written THEN the audit trail records its counts and no note text', async () => {
      const app = setup();
      const who = newAccount('audit');
      const preview = await upload(app, who, fileOf('d.csv', DAYLIO));
      await app.run(buttonAction(preview, /^Import/), who);
      await app.flushAudit();

      const rows = await queryRows<{ details: Record<string, unknown> }>(
        app.db,
        sql`SELECT details FROM audit_log WHERE user_id = ${userOf(preview)} AND action = 'import-applied'`,
      );
      expect(rows).toEqual([
        { details: { format: 'daylio', imported: 4, skipped: 0, shares: 0, settings: 0 } },
      ]);
      expect(JSON.stringify(rows)).not.toContain('Pasta');
    });

    it('GIVEN a preview WHEN the user runs /forget THEN the waiting import goes with everything else', async () => {
      const app = setup();
      const who = newAccount('forget');
      const preview = await upload(app, who, fileOf('d.csv', DAYLIO));
      await app.services.privacy.forget(userOf(preview));

      const rows = await queryRows<{ n: number }>(
        app.db,
        sql`SELECT count(*)::int AS n FROM pending_imports WHERE user_id = ${userOf(preview)}`,
      );
      expect(rows[0]?.n).toBe(0);
    });
  });
});
