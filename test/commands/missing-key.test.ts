import { expect, it } from 'vitest';
import { createFieldCipher } from '../../src/crypto/create-field-cipher.js';
import { noteContext } from '../../src/crypto/note-context.js';
import { findUserById, saveSpotifyLink } from '../../src/db/repositories/users.js';
import type { Outcome } from '../../src/platforms/dispatcher.js';
import { field, newAccount, textOf, useApp, userFor } from '../support/app-harness.js';
import { insertMoodEntry } from '../support/mood-entries.js';
import { describeEachDatabase } from '../support/test-database.js';

/** The key the values were written with, which the app under test (key f…f) is not configured with. */
const lostCipher = createFieldCipher({ currentKey: 'c'.repeat(64) });
const LOST = lostCipher.currentKeyId;

// Spotify linking configured, pointing nowhere: status and disconnect must not need Spotify.
const nowhere = 'http://127.0.0.1:9';
const spotifyConfigured = {
  music: {
    spotify: { clientId: 'client-id', clientSecret: 'client-secret' },
    spotifyApiUrl: nowhere,
    spotifyAccountsUrl: nowhere,
    oembedUrl: `${nowhere}/oembed`,
    reccoBeatsUrl: nowhere,
    redirectUri: `${nowhere}/spotify/callback`,
  },
  ai: undefined,
};

function fileOf(result: Outcome, contentType: string): string {
  const file = result.reply.files?.find((f) => f.contentType === contentType);
  if (typeof file?.data !== 'string') throw new Error(`no ${contentType} file: ${textOf(result)}`);
  return file.data;
}

describeEachDatabase('values under a key this server does not have', (getDb) => {
  const app = useApp(getDb, { music: spotifyConfigured });

  /** A user with a note written under the lost key, then an entry without a note. */
  async function restoredUser(): Promise<{ who: string; userId: number }> {
    const who = newAccount('restored');
    const userId = await userFor(app(), who);
    await insertMoodEntry(app().db, {
      userId,
      moodScore: 4,
      notes: lostCipher.encrypt('written before the move', noteContext(userId)),
      createdAt: new Date(Date.now() - 60_000),
    });
    await insertMoodEntry(app().db, { userId, moodScore: 6, notes: null });
    return { who, userId };
  }

  /** A user whose Spotify link was stored under the lost key. */
  async function restoredLink(): Promise<{ who: string; userId: number }> {
    const who = newAccount('listener');
    const userId = await userFor(app(), who);
    await saveSpotifyLink(app().db, lostCipher, userId, {
      spotifyId: 'sp-restored',
      accessToken: JSON.stringify({ v: 1, token: 'old-access', expiresAt: Date.now() + 3_600_000 }),
      refreshToken: 'old-refresh',
    });
    return { who, userId };
  }

  it("GIVEN such a note THEN /history shows it as can't be read instead of leaving it out", async () => {
    const { who } = await restoredUser();

    const history = await app().run('/history', who);

    expect(history.outcome).toBe('ok');
    expect(field(history, 'Latest entries')).toMatch(
      /4\/10 — \(note can't be read: encrypted with a key this server doesn't have\)$/m,
    );
    expect(field(history, 'Latest entries')).toMatch(/6\/10$/m);
    expect(textOf(history)).not.toContain('written before the move');
  });

  it('GIVEN such a note and an entry without one THEN /export tells them apart in the JSON and the CSV', async () => {
    const { who } = await restoredUser();

    const exported = await app().run('/export', who);
    const json = JSON.parse(fileOf(exported, 'application/json')) as {
      note: string;
      moodEntries: Array<Record<string, unknown>>;
    };
    const csv = fileOf(exported, 'text/csv').split('\r\n');

    expect(json.moodEntries.map((e) => [e.moodScore, e.notes, e.noteUnreadable])).toEqual([
      [4, null, `encrypted with key ${LOST}, which this server doesn't have`],
      [6, null, undefined],
    ]);
    expect(json.note).toContain('noteUnreadable');
    expect(csv[0]).toBe('id,created_at_utc,local_date,mood_score,emotions,note,note_unreadable');
    expect(csv[1]).toMatch(new RegExp(`,4,,,"encrypted with key ${LOST}, which this server doesn't have"$`));
    expect(csv[2]).toMatch(/,6,,,$/);
  });

  it('GIVEN such a Spotify link THEN /spotify status says it needs renewing with /spotify connect', async () => {
    const { who } = await restoredLink();

    const status = await app().run('/spotify status', who);

    expect(status.outcome).toBe('ok');
    expect(textOf(status)).toMatch(/needs renewing/);
    expect(textOf(status)).toContain('/spotify connect');
    expect(textOf(status)).toContain('sp-restored');
  });

  it('GIVEN such a Spotify link THEN /spotify disconnect deletes it', async () => {
    const { who, userId } = await restoredLink();

    const done = await app().run('/spotify disconnect', who);

    expect(done.outcome).toBe('ok');
    expect(textOf(done)).toContain('deleted from MoodScale');
    expect(await findUserById(app().db, userId)).toMatchObject({
      spotifyId: null,
      spotifyAccessToken: null,
      spotifyRefreshToken: null,
    });
    expect(textOf(await app().run('/spotify status', who))).toContain('Not linked');
  });
});
