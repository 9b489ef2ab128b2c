import { sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { findUserById, saveSpotifyLink } from '../../src/db/repositories/users.js';
import type { Outcome } from '../../src/platforms/dispatcher.js';
import { createAppHarness, newAccount, textOf, useApp, userOf } from '../support/app-harness.js';
import { queryRows } from '../support/query-rows.js';
import { describeEachDatabase } from '../support/test-database.js';

/** The export's key for each table that holds rows of a user. */
const exportKeyOf: Record<string, string> = {
  audit_log: 'auditLog',
  chat_identities: 'identities',
  checkin_prompts: 'checkinPrompts',
  checkin_schedules: 'checkinSchedule',
  digest_deliveries: 'digestDeliveries',
  link_codes: 'linkCodes',
  mood_entries: 'moodEntries',
  mood_versions: 'moodVersion',
  music_analysis: 'musicAnalysis',
  pending_imports: 'pendingImports',
  personality_insights: 'personalityInsights',
  recommendations: 'recommendations',
  user_settings: 'settings',
  workspace_members: 'workspaceMemberships',
};

/** The names of the files each console account's /export gives, in order. */
async function exportedNames(
  harness: ReturnType<typeof createAppHarness>,
  accounts: readonly string[],
): Promise<string[]> {
  const names: string[] = [];
  for (const account of accounts) {
    for (const file of (await harness.run('/export', account)).reply.files ?? []) names.push(file.name);
  }
  return names;
}

/** What a console account's export files are called at 2026-03-05T14:07:09Z. */
const namesAtTheMoment = (account: string): string[] => [
  `moodscale-export-console-${account}-2026-03-05T14-07-09Z.json`,
  `moodscale-moods-console-${account}-2026-03-05T14-07-09Z.csv`,
];

function fileOf(result: Outcome, contentType: string): string {
  const file = result.reply.files?.find((f) => f.contentType === contentType);
  if (typeof file?.data !== 'string') throw new Error(`no ${contentType} file: ${textOf(result)}`);
  return file.data;
}

/** The parts of the export document these tests read. */
interface ExportDocument {
  user: Record<string, unknown>;
  moodEntries: Array<{ notes: string | null }>;
  settings: unknown[];
  identities: unknown[];
  auditLog: unknown[];
}

const jsonOf = (result: Outcome): ExportDocument => JSON.parse(fileOf(result, 'application/json'));

/** RFC 4180: records end with CRLF, fields in double quotes may hold commas, quotes ("") and newlines. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (quoted && c === '"' && text.charAt(i + 1) === '"') {
      cell += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && c === ',') {
      row.push(cell);
      cell = '';
    } else if (!quoted && c === '\r' && text.charAt(i + 1) === '\n') {
      rows.push([...row, cell]);
      row = [];
      cell = '';
      i++;
    } else {
      cell += c;
    }
  }
  return rows;
}

describeEachDatabase('/export', (getDb) => {
  const app = useApp(getDb);
  const who = newAccount('exporter');
  const notes = [
    'first note',
    'a, b and c',
    'say "hi", ok',
    'line one\nline two',
    '=1+1',
    '+1',
    '-1',
    '@SUM(A1)',
  ];
  let userId: number;

  beforeAll(async () => {
    for (const note of notes) userId = userOf(await app().run(`/mood 5 tired -- ${note}`, who));
    await app().run('/settings timezone Europe/Berlin', who);
    await app().run('/mood 7 -- OTHER-USER-MARKER', newAccount('bystander'));
    await app().flushAudit();
  });

  it('GIVEN a user WHEN they type /export THEN a private answer carries a JSON and a CSV file', async () => {
    const result = await app().run('/export', who);

    expect(result.outcome).toBe('ok');
    expect(result.reply.visibility).toBe('private');
    expect(result.reply.files?.map((f) => f.name)).toEqual([
      expect.stringMatching(/^moodscale-export-[\w-]+-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z\.json$/),
      expect.stringMatching(/^moodscale-moods-[\w-]+-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z\.csv$/),
    ]);
    expect(result.reply.text).toContain('8 mood entries');
  });

  it('GIVEN two users exporting at the same moment THEN their file names differ, naming each user and the second', async () => {
    const at = new Date('2026-03-05T14:07:09.512Z');
    const sameMoment = createAppHarness(app().db, { clock: fixedClock(at) });
    const other = newAccount('second-exporter');

    const names = await exportedNames(sameMoment, [who, other]);

    expect(names).toEqual([...namesAtTheMoment(who), ...namesAtTheMoment(other)]);
  });

  it('GIVEN two console accounts joined by /link WHEN each exports THEN each file is named after the account that asked', async () => {
    const at = new Date('2026-03-05T14:07:09.512Z');
    const sameMoment = createAppHarness(app().db, { clock: fixedClock(at) });
    const kept = newAccount('kept');
    const joined = newAccount('joined');
    const code = /\/link redeem ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(
      textOf(await sameMoment.run('/link new', kept)),
    )?.[1];
    await sameMoment.run(`/link redeem ${code}`, joined);
    expect(userOf(await sameMoment.run('/help', joined))).toBe(userOf(await sameMoment.run('/help', kept)));

    const names = await exportedNames(sameMoment, [joined, kept]);

    expect(names).toEqual([...namesAtTheMoment(joined), ...namesAtTheMoment(kept)]);
  });

  it('GIVEN the tables with a user_id column THEN the JSON has a key for each of them and for the user', async () => {
    const tables = await queryRows<{ table_name: string }>(
      app().db,
      sql`SELECT DISTINCT table_name FROM information_schema.columns
           WHERE table_schema = 'public' AND column_name = 'user_id' ORDER BY 1`,
    );
    const exported = jsonOf(await app().run('/export', who));

    expect(
      Object.keys(exportKeyOf),
      "A table with a user_id column is the user's data and belongs in /export: add it to collectUserData " +
        '(src/db/repositories/user-export.ts) and to exportKeyOf here (see CONTRIBUTING.md, "Adding a table")',
    ).toEqual(tables.map((t) => t.table_name));
    for (const key of [...Object.values(exportKeyOf), 'user']) expect(exported).toHaveProperty(key);
  });

  it("GIVEN entries, settings and an identity THEN the JSON holds the user's rows of each", async () => {
    const exported = jsonOf(await app().run('/export', who));

    expect(exported.user).toMatchObject({ id: userId, spotifyConnected: false });
    expect(exported.moodEntries.map((e) => e.notes)).toEqual(notes);
    expect(exported.settings).toEqual([expect.objectContaining({ userId, timeZone: 'Europe/Berlin' })]);
    expect(exported.identities).toEqual([
      expect.objectContaining({ userId, platform: 'console', workspaceId: '', externalUserId: who }),
    ]);
    expect(exported.auditLog.length).toBeGreaterThan(0);
  });

  it("GIVEN another user's entry THEN it is not in the export", async () => {
    const result = await app().run('/export', who);

    expect(fileOf(result, 'application/json')).not.toContain('OTHER-USER-MARKER');
    expect(fileOf(result, 'text/csv')).not.toContain('OTHER-USER-MARKER');
  });

  it('GIVEN a user with Spotify tokens THEN neither the tokens nor their ciphertext are in the JSON', async () => {
    const spotifyUser = newAccount('spotify');
    const id = userOf(await app().run('/mood 6', spotifyUser));
    const link = {
      spotifyId: 'spotify-id-1',
      accessToken: 'ACCESS-secret-7f3a',
      refreshToken: 'REFRESH-secret-9c1b',
    };
    await saveSpotifyLink(app().db, app().cipher, id, link);
    const stored = await findUserById(app().db, id);

    const json = fileOf(await app().run('/export', spotifyUser), 'application/json');

    expect(stored?.spotifyAccessToken).toMatch(/^enc:v1:/);
    for (const secret of [
      link.accessToken,
      link.refreshToken,
      stored?.spotifyAccessToken,
      stored?.spotifyRefreshToken,
    ]) {
      expect(json).not.toContain(secret);
    }
    expect(JSON.parse(json).user).toMatchObject({ spotifyId: 'spotify-id-1', spotifyConnected: true });
  });

  it('GIVEN 8 entries THEN the CSV has the header and one record per entry', async () => {
    const csv = fileOf(await app().run('/export', who), 'text/csv');
    const rows = parseCsv(csv);

    expect(csv.split('\r\n')[0]).toBe(
      'id,created_at_utc,local_date,mood_score,emotions,note,note_unreadable',
    );
    expect(rows).toHaveLength(1 + notes.length);
    for (const row of rows.slice(1)) expect(row).toHaveLength(7);
  });

  it('GIVEN notes with commas, quotes and newlines THEN the CSV quotes them so they read back unchanged', async () => {
    const csv = fileOf(await app().run('/export', who), 'text/csv');
    const exportedNotes = parseCsv(csv).map((row) => row[5]);

    expect(csv).toContain('"say ""hi"", ok"');
    expect(csv).toContain('"line one\nline two"');
    expect(exportedNotes.slice(1, 5)).toEqual(notes.slice(0, 4));
  });

  it('GIVEN notes starting with = + - or @ THEN the CSV defuses them with a leading apostrophe', async () => {
    const csv = fileOf(await app().run('/export', who), 'text/csv');
    const exportedNotes = parseCsv(csv).map((row) => row[5]);

    expect(exportedNotes.slice(5)).toEqual(["'=1+1", "'+1", "'-1", "'@SUM(A1)"]);
  });
});
