import { inflateSync } from 'node:zlib';
import { type Clock, fixedClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import type { Db } from '../../src/db/database.js';
import { attachIdentity } from '../../src/db/repositories/chat-identities.js';
import { insertMusicAnalysis } from '../../src/db/repositories/music-analysis.js';
import { type SettingsPatch, updateUserSettings } from '../../src/db/repositories/user-settings.js';
import type { SendDirect } from '../../src/platforms/direct-messages.js';
import { createChartRenderer } from '../../src/services/charts/index.js';
import {
  createDigestRunner,
  type DigestOutcome,
  type DigestRunner,
  type DigestRunnerDeps,
} from '../../src/services/digest/digest-runner.js';
import { newUser } from '../support/fixtures.js';
import { insertMoodEntry } from '../support/mood-entries.js';

/** One chart renderer for a test file (loading vega costs a little). */
export const chart = createChartRenderer();

export interface DigestUserSetup {
  discord?: string;
  slack?: { user: string; team: string };
  settings?: SettingsPatch;
  /** [when, score, emotions] */
  moods?: Array<[string, number, string[]?]>;
  /** [when, valence, energy] */
  music?: Array<[string, number, number]>;
}

let trackSerial = 0;

/** A user with chat accounts, settings, mood entries and analysed tracks, inserted directly. */
export async function digestUser(db: Db, setup: DigestUserSetup): Promise<number> {
  const user = await newUser(db, 'digest');
  if (setup.discord)
    await attachIdentity(
      db,
      { platform: 'discord', workspaceId: '', externalUserId: setup.discord },
      user.id,
    );
  if (setup.slack)
    await attachIdentity(
      db,
      { platform: 'slack', workspaceId: setup.slack.team, externalUserId: setup.slack.user },
      user.id,
    );
  if (setup.settings) await updateUserSettings(db, user.id, setup.settings);
  for (const [at, score, emotions] of setup.moods ?? [])
    await insertMoodEntry(db, {
      userId: user.id,
      moodScore: score,
      emotions: emotions ?? [],
      createdAt: new Date(at),
    });
  for (const [at, valence, energy] of setup.music ?? []) {
    trackSerial++;
    await insertMusicAnalysis(db, {
      userId: user.id,
      spotifyTrackId: `track${String(trackSerial).padStart(18, '0')}`,
      trackName: `Song ${trackSerial}`,
      artistName: `Artist ${trackSerial % 3}`,
      albumImage: null,
      audioFeatures: { valence, energy, danceability: 0.5, source: 'test' },
      predictedMood: valence > 0.5 ? 'happy' : 'sad',
      moodConfidence: 0.8,
      createdAt: new Date(at),
    });
  }
  return user.id;
}

/** A week of entries (W47: Nov 16-22, 2026) and the week before, with music. */
export function activeWeek(): Pick<DigestUserSetup, 'moods' | 'music'> {
  return {
    moods: [
      ['2026-11-10T12:00:00Z', 4, ['tired']],
      ['2026-11-16T12:00:00Z', 6, ['calm', 'tired']],
      ['2026-11-17T12:00:00Z', 7, ['happy']],
      ['2026-11-19T12:00:00Z', 8, ['happy', 'grateful']],
      ['2026-11-22T12:00:00Z', 5, ['tired']],
    ],
    music: [
      ['2026-11-16T13:00:00Z', 0.3, 0.4],
      ['2026-11-17T13:00:00Z', 0.8, 0.7],
      ['2026-11-19T13:00:00Z', 0.7, 0.9],
    ],
  };
}

/** Monday of W48, 09:00 UTC: W47's digests are due for UTC users with the default slot. */
export const MONDAY_0900 = '2026-11-23T09:00:00Z';

export function runnerFor(
  db: Db,
  sendDirect: SendDirect,
  options: Partial<DigestRunnerDeps> & { clock?: Clock } = {},
): { runner: DigestRunner; outcomes: DigestOutcome[] } {
  const outcomes: DigestOutcome[] = [];
  const runner = createDigestRunner({
    db,
    logger: silentLogger(),
    clock: options.clock ?? fixedClock(MONDAY_0900),
    sendDirect,
    platforms: ['discord', 'slack'],
    leaseMs: 60_000,
    chart,
    onOutcome: (o) => outcomes.push(o),
    ...options,
  });
  return { runner, outcomes };
}

/** PNG facts read from the bytes: signature, size from IHDR, and the decoded pixels' colour variety. */
export function inspectPng(bytes: Uint8Array): {
  width: number;
  height: number;
  distinctColours: number;
  nonWhiteShare: number;
} {
  const buf = Buffer.from(bytes);
  if (!buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    throw new Error('not a PNG signature');
  let offset = 8;
  let width = 0;
  let height = 0;
  let colourType = 0;
  const idat: Buffer[] = [];
  while (offset < buf.length) {
    const length = buf.readUInt32BE(offset);
    const type = buf.toString('latin1', offset + 4, offset + 8);
    const data = buf.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8) throw new Error('expected 8-bit channels');
      colourType = data[9]!;
    }
    if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  const channels = colourType === 6 ? 4 : colourType === 2 ? 3 : 0;
  if (channels === 0) throw new Error(`unexpected colour type ${colourType}`);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? pixels[y * stride + x - channels]! : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x]! : 0;
      const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels]! : 0;
      const p = a + b - c;
      const pa = Math.abs(p - a);
      const pb = Math.abs(p - b);
      const pc = Math.abs(p - c);
      const paeth = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter];
      if (predictor === undefined) throw new Error(`bad filter ${filter}`);
      pixels[y * stride + x] = (line[x]! + predictor) & 0xff;
    }
  }
  const colours = new Set<number>();
  let nonWhite = 0;
  for (let i = 0; i < pixels.length; i += channels) {
    const [r, g, b] = [pixels[i]!, pixels[i + 1]!, pixels[i + 2]!];
    colours.add((r << 16) | (g << 8) | b);
    if (r < 240 || g < 240 || b < 240) nonWhite++;
  }
  return { width, height, distinctColours: colours.size, nonWhiteShare: nonWhite / (width * height) };
}
