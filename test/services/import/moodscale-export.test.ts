import { describe, expect, it } from 'vitest';
import type { UserData } from '../../../src/db/repositories/user-export.js';
import type { ImportedShare } from '../../../src/services/import/parse-import.js';
import { ME, NOW, parse, refusal } from './support.js';

const t = (iso: string) => new Date(iso);

/**
 * Rows as collectUserData returns them (typed by its UserData, so a changed table fails to compile
 * here), for user 7 with a Discord and a Slack identity.
 */
function storedData(): UserData {
  return {
    user: {
      id: 7,
      username: 'discord:111',
      spotifyId: 'sp-7',
      spotifyAccessToken: 'enc:x',
      spotifyRefreshToken: 'enc:y',
      createdAt: t('2024-01-01T10:00:00Z'),
    },
    identities: [
      {
        id: 1,
        userId: 7,
        platform: 'discord',
        workspaceId: '',
        externalUserId: '111',
        displayName: 'Sam',
        createdAt: t('2024-01-01T10:00:00Z'),
        lastSeenAt: t('2024-03-01T10:00:00Z'),
      },
      {
        id: 2,
        userId: 7,
        platform: 'slack',
        workspaceId: 'T1',
        externalUserId: 'U222',
        displayName: null,
        createdAt: t('2024-02-01T10:00:00Z'),
        lastSeenAt: t('2024-03-01T10:00:00Z'),
      },
    ],
    settings: [
      {
        userId: 7,
        timeZone: 'Europe/Berlin',
        digestEnabled: false,
        digestDay: 5,
        digestHour: 18,
        llmNotesConsent: true,
        channelVibeOptIn: true,
        dmBlockedAt: null,
        updatedAt: t('2024-02-01T10:00:00Z'),
      },
    ],
    moodVersion: [{ userId: 7, version: 3 }],
    moodEntries: [
      {
        id: 10,
        userId: 7,
        moodScore: 7,
        emotions: ['tired', 'calm'],
        notes: 'Long day',
        createdAt: t('2024-03-01T20:30:00Z'),
      },
      {
        id: 11,
        userId: 7,
        moodScore: 3,
        emotions: null,
        notes: null,
        createdAt: t('2024-03-02T08:00:00.123Z'),
      },
      {
        id: 12,
        userId: 7,
        moodScore: 9,
        emotions: [],
        notes: 'enc:k9:...',
        createdAt: t('2024-03-03T12:00:00Z'),
      },
    ],
    musicAnalysis: [
      {
        id: 20,
        userId: 7,
        spotifyTrackId: '4uLU6hMCjMI75M1A2tKUQC',
        trackName: 'Never Gonna Give You Up',
        artistName: 'Rick Astley',
        albumImage: 'https://i.scdn.co/image/abc',
        audioFeatures: { valence: 0.9, energy: 0.8, source: 'reccobeats' },
        predictedMood: 'happy',
        moodConfidence: 0.82,
        createdAt: t('2024-03-01T21:00:00Z'),
      },
      {
        id: 21,
        userId: 7,
        spotifyTrackId: '0VjIjW4GlUZAMYd2vXMi3b',
        trackName: 'Blinding Lights',
        artistName: 'The Weeknd',
        albumImage: null,
        audioFeatures: null,
        predictedMood: null,
        moodConfidence: null,
        createdAt: t('2024-03-02T21:00:00Z'),
      },
    ],
    recommendations: [],
    personalityInsights: [],
    digestDeliveries: [],
    checkinSchedule: [],
    checkinPrompts: [],
    pendingImports: [],
    linkCodes: [],
    auditLog: [],
    workspaceMemberships: [],
    channelShares: [],
    channelPostsEnabled: [],
  };
}

/**
 * The JSON privacy-service's export() writes for `stored`, built the way its code builds it: notes
 * opened (entry 12's under a key this server lacks), the user trimmed, the tables spread after it.
 */
function exportJson(
  stored: UserData = storedData(),
  edit: (document: Record<string, unknown>) => void = () => {},
) {
  const moodEntries = stored.moodEntries.map((entry) =>
    entry.id === 12
      ? { ...entry, notes: null, noteUnreadable: "encrypted with key k9, which this server doesn't have" }
      : entry,
  );
  const { user, ...tables } = { ...stored, moodEntries };
  const document: Record<string, unknown> = {
    exportedAt: t('2024-03-05T12:00:00Z').toISOString(),
    format: 'moodscale-export/1',
    note: 'Everything MoodScale stores about you. Spotify tokens are credentials and are not included.',
    user: user && {
      id: user.id,
      username: user.username,
      createdAt: user.createdAt,
      spotifyId: user.spotifyId,
      spotifyConnected: user.spotifyAccessToken !== null,
    },
    ...tables,
  };
  edit(document);
  return JSON.stringify(document, null, 2);
}

const asExport = { name: 'moodscale-export.json' };

describe('MoodScale export (moodscale-export/1)', () => {
  it("GIVEN an export of the importer's own account THEN entries, settings and shares come back equal", () => {
    const stored = storedData();
    const parsed = parse(exportJson(stored), asExport);
    expect(parsed.format).toBe('moodscale');
    expect(parsed.entries).toEqual(
      stored.moodEntries.map((entry, index) => ({
        line: index + 1,
        at: entry.createdAt,
        score: entry.moodScore,
        emotions: entry.emotions ?? [],
        note: entry.id === 12 ? null : entry.notes,
      })),
    );
    const { userId, dmBlockedAt, updatedAt, ...settings } = stored.settings[0]!;
    expect(parsed.settings).toEqual(settings);
    expect(parsed.shares).toEqual(
      stored.musicAnalysis.map(
        ({ id, userId, createdAt, ...share }): ImportedShare => ({ at: createdAt, ...share }),
      ),
    );
    expect(parsed.unmappedMoods).toEqual([]);
  });

  it('GIVEN an entry whose note was unreadable at export THEN it keeps no note and a kept problem says so', () => {
    const parsed = parse(exportJson(), asExport);
    expect(parsed.problems).toEqual([
      {
        line: 3,
        kept: true,
        reason:
          "The note could not be carried over: encrypted with key k9, which this server doesn't have. The entry is imported without it.",
      },
    ]);
  });

  it("GIVEN the importer matches the export's second identity (a linked Slack account) THEN it is accepted", () => {
    const parsed = parse(exportJson(), {
      ...asExport,
      importer: { identities: [{ platform: 'slack', platformUserId: 'U222' }] },
    });
    expect(parsed.entries).toHaveLength(3);
  });

  it('GIVEN an export from an account after /forget (new user id, same chat identity) THEN it is accepted', () => {
    const stored = storedData();
    const parsed = parse(exportJson({ ...stored, user: { ...stored.user!, id: 99 } }), asExport);
    expect(parsed.entries).toHaveLength(3);
  });

  it("GIVEN someone else's export THEN it is refused as belonging to another account", () => {
    const error = refusal(exportJson(), {
      ...asExport,
      importer: { identities: [{ platform: 'discord', platformUserId: '999' }] },
    });
    expect(error.message).toMatch(
      /^This export belongs to another account: none of the chat accounts in "moodscale-export.json" is yours/,
    );
    expect(error.code).toBe('IMPORT_FOREIGN_EXPORT');
  });

  it("GIVEN the same user id on another platform THEN it is someone else's export", () => {
    const error = refusal(exportJson(), {
      ...asExport,
      importer: { identities: [{ platform: 'slack', platformUserId: '111' }] },
    });
    expect(error.code).toBe('IMPORT_FOREIGN_EXPORT');
  });

  it('GIVEN an export in a format version this server does not know THEN it is refused naming both versions', () => {
    const error = refusal(
      exportJson(undefined, (d) => (d.format = 'moodscale-export/2')),
      asExport,
    );
    expect(error.message).toBe(
      '"moodscale-export.json" is a MoodScale export in the format "moodscale-export/2", which this server doesn\'t read (it reads moodscale-export/1). It was probably made by a newer MoodScale: ask whoever runs this bot to update it, then import the file again.',
    );
    expect(error.code).toBe('IMPORT_UNSUPPORTED_VERSION');
  });

  it('GIVEN a JSON object that is not a MoodScale export THEN it is refused naming the accepted formats', () => {
    const error = refusal('{"entries": []}', asExport);
    expect(error.message).toMatch(
      /^"moodscale-export.json" is JSON, but not a MoodScale export\. I can import a Daylio export/,
    );
  });

  it('GIVEN a JSON array THEN it is refused as not a MoodScale export', () => {
    expect(refusal('[1, 2]', asExport).message).toMatch(/is JSON, but not a MoodScale export/);
  });

  it('GIVEN JSON that does not parse THEN it is refused as invalid JSON', () => {
    const error = refusal('{"format": "moodscale-export/1",', asExport);
    expect(error.message).toMatch(/starts like a JSON file but isn't valid JSON/);
    expect(error.code).toBe('IMPORT_INVALID_JSON');
  });

  it('GIVEN an export whose moodEntries is not a list THEN it is refused as damaged, naming where', () => {
    const error = refusal(
      exportJson(undefined, (d) => (d.moodEntries = 'none')),
      asExport,
    );
    expect(error.message).toMatch(/is a MoodScale export, but it is damaged \(at moodEntries\)/);
  });

  it('GIVEN damaged entries THEN each is a problem at its position in moodEntries', () => {
    const json = exportJson(undefined, (d) => {
      const entries = d.moodEntries as Array<Record<string, unknown>>;
      entries[0]!.moodScore = 11;
      entries[1]!.createdAt = 'yesterday';
      entries.push({ id: 13, moodScore: 5 });
    });
    const parsed = parse(json, asExport);
    expect(parsed.entries.map((e) => e.line)).toEqual([3]);
    expect(parsed.problems.filter((p) => !p.kept)).toEqual([
      {
        line: 1,
        reason:
          'The score must be a whole number from 1 to 10 (this entry has 11); fix it or remove the entry.',
      },
      { line: 2, reason: expect.stringMatching(/^The entry's time "yesterday" can't be read/) },
      { line: 4, reason: expect.stringMatching(/^This entry is damaged \(at createdAt\)/) },
    ]);
  });

  it('GIVEN an entry dated after now THEN it is a problem saying it is in the future', () => {
    const stored = storedData();
    stored.moodEntries[0]!.createdAt = new Date(NOW.getTime() + 60_000);
    const parsed = parse(exportJson(stored), asExport);
    expect(parsed.problems[0]).toEqual({
      line: 1,
      reason: expect.stringMatching(/^2024-03-05 22:01 is in the future/),
    });
  });

  it("GIVEN a damaged shared track THEN it is a problem naming the track's position, and the others are read", () => {
    const json = exportJson(undefined, (d) => {
      (d.musicAnalysis as Array<Record<string, unknown>>)[0]!.spotifyTrackId = '';
    });
    const parsed = parse(json, asExport);
    expect(parsed.shares?.map((s) => s.trackName)).toEqual(['Blinding Lights']);
    expect(parsed.problems).toContainEqual({
      line: 1,
      reason: expect.stringMatching(/^Shared track 1 is damaged \(at spotifyTrackId\)/),
    });
  });

  it('GIVEN a setting that is not valid here THEN it is left out with a kept problem about the file (line 0)', () => {
    const stored = storedData();
    stored.settings[0]!.timeZone = 'Mars/Olympus_Mons';
    const parsed = parse(exportJson(stored), asExport);
    expect(parsed.settings).not.toHaveProperty('timeZone');
    expect(parsed.settings?.digestDay).toBe(5);
    expect(parsed.problems).toContainEqual({
      line: 0,
      kept: true,
      reason:
        'The exported setting timeZone ("Mars/Olympus_Mons") isn\'t valid here, so your current timeZone is kept.',
    });
  });

  it('GIVEN an export without a settings row THEN the settings are empty', () => {
    const parsed = parse(exportJson({ ...storedData(), settings: [] }), asExport);
    expect(parsed.settings).toEqual({});
  });

  it('GIVEN an export with more entries than the limit THEN it is refused asking to split it', () => {
    const error = refusal(exportJson(), {
      ...asExport,
      limits: { maxEntries: 2, maxBytes: 5 * 1024 * 1024 },
    });
    expect(error.message).toMatch(/has 3 entries, more than the 2 one import takes\. Split the file/);
    expect(error.code).toBe('IMPORT_TOO_MANY_ENTRIES');
  });

  it('GIVEN an export with no entries and no shared tracks THEN it is refused as having nothing to import', () => {
    const error = refusal(exportJson({ ...storedData(), moodEntries: [], musicAnalysis: [] }), asExport);
    expect(error.message).toBe('"moodscale-export.json" has no mood entries or shared tracks to import.');
  });

  it('GIVEN the file is named .csv THEN the content still decides: it is read as an export', () => {
    expect(parse(exportJson(), { name: 'renamed.csv', importer: { identities: [ME] } }).format).toBe(
      'moodscale',
    );
  });
});
