import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../core/calendar/index.js';
import type { Platform } from '../schema/index.js';
import { type SeedPeriod, wholeSeconds } from './period.js';
import { clamp, type Random, randomFor } from './random.js';
import { firstNames, handleWords, lastNames, specialDisplayNames, timeZones } from './vocabulary.js';

const USER_STREAM = 0x7573;
const TEAM_STREAM = 0x746d;
const SLACK_TEAMS = 40;
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const DISCORD_EPOCH = 1_420_070_400_000;

/** Discord snowflakes keep the user index in their low 22 bits, which keeps them unique. */
export const MAX_SEED_USERS = 1 << 22;

export interface SeedIdentity {
  platform: Platform;
  workspaceId: string;
  externalUserId: string;
  displayName: string | null;
  createdAt: number;
  lastSeenAt: number;
}

export interface SeedSettings {
  timeZone: string;
  digestEnabled: boolean;
  digestDay: number;
  digestHour: number;
  llmNotesConsent: boolean;
  dmBlockedAt: number | null;
  updatedAt: number;
}

/** Plaintext Spotify credentials; they are encrypted on insert. */
export interface SeedSpotify {
  spotifyId: string;
  accessToken: string;
  refreshToken: string;
}

/** Hidden traits that shape a user's moods and music; never stored. */
export interface SeedProfile {
  /** Offset of the user's time zone from UTC, in minutes. */
  offsetMinutes: number;
  /** From here on the user logs (the later of sign-up and the period's start). */
  activeFrom: number;
  baseline: number;
  weekendLift: number;
  mondayDip: number;
  driftStep: number;
  noise: number;
  /** Long-run share of days with at least one entry. */
  engagement: number;
  /** Weights for one, two or three entries on a day with entries. */
  entriesPerDay: readonly [number, number, number];
  tasteValence: number;
  tasteEnergy: number;
  nightOwl: boolean;
}

export interface SeedUser {
  index: number;
  username: string;
  createdAt: number;
  spotify: SeedSpotify | null;
  identities: SeedIdentity[];
  settings: SeedSettings;
  profile: SeedProfile;
}

/** `seed_user_00042`: unique per index, and obviously seed data. */
export function seedUsername(index: number): string {
  return `seed_user_${String(index).padStart(5, '0')}`;
}

/** The user at `index`: a pure function of (seed, index, period). */
export function generateUser(seed: number, index: number, period: SeedPeriod): SeedUser {
  const rng = randomFor(seed, USER_STREAM, index);
  const joinedDuringPeriod = rng.chance(0.15);
  const createdAt = wholeSeconds(
    joinedDuringPeriod
      ? period.start + rng.next() * 0.8 * (period.until - period.start)
      : period.start - rng.float(1, 400) * DAY_MS,
  );
  const activeFrom = Math.max(createdAt, period.start);
  const [timeZone, offsetMinutes] = rng.weighted(timeZones.map(([zone, offset, w]) => [[zone, offset], w]));

  const profile: SeedProfile = {
    offsetMinutes,
    activeFrom,
    baseline: clamp(rng.gaussian(6.1, 1.3), 2.5, 8.8),
    weekendLift: rng.gaussian(0.5, 0.4),
    mondayDip: Math.max(0, rng.gaussian(0.3, 0.3)),
    driftStep: rng.float(0.15, 0.45),
    noise: rng.float(0.7, 1.4),
    engagement: rng.weighted([
      [rng.float(0.88, 0.99), 2],
      [rng.float(0.6, 0.88), 5],
      [rng.float(0.25, 0.6), 3],
    ]),
    entriesPerDay: [0.55, 0.33, 0.12],
    tasteValence: clamp(rng.gaussian(0.5, 0.15), 0.1, 0.9),
    tasteEnergy: clamp(rng.gaussian(0.6, 0.15), 0.15, 0.95),
    nightOwl: rng.chance(0.08),
  };

  const identities = makeIdentities(rng, seed, index, createdAt, period);
  const settings = makeSettings(rng, timeZone, createdAt, period);
  const spotify = rng.chance(0.1)
    ? {
        spotifyId: rng.string(LOWER_ALNUM, 25),
        accessToken: `BQ${rng.string(BASE64URL, 150)}`,
        refreshToken: `AQ${rng.string(BASE64URL, 129)}`,
      }
    : null;

  return { index, username: seedUsername(index), createdAt, spotify, identities, settings, profile };
}

function makeIdentities(
  rng: Random,
  seed: number,
  index: number,
  createdAt: number,
  period: SeedPeriod,
): SeedIdentity[] {
  const platforms = rng.weighted<readonly Platform[]>([
    [['discord'], 50],
    [['slack'], 25],
    [['console'], 10],
    [['discord', 'slack'], 12],
    [['slack', 'console'], 3],
  ]);
  const name = displayNameStyle(rng);
  return platforms.map((platform, i) => {
    const since = wholeSeconds(Math.min(createdAt + i * rng.float(0, 30) * DAY_MS, period.until - HOUR_MS));
    const lastSeenAt = wholeSeconds(Math.max(since, period.until - rng.float(0.5, 96) * HOUR_MS));
    const common = { createdAt: since, lastSeenAt, displayName: rng.chance(0.9) ? name(platform) : null };
    switch (platform) {
      case 'discord': {
        const snowflake =
          (BigInt(Math.max(0, createdAt - DISCORD_EPOCH - rng.int(0, 900) * DAY_MS)) << 22n) |
          BigInt(index % MAX_SEED_USERS);
        return { ...common, platform, workspaceId: '', externalUserId: snowflake.toString() };
      }
      case 'slack':
        return {
          ...common,
          platform,
          workspaceId: slackTeam(seed, rng.weighted(teamWeights)),
          externalUserId: `U${rng.string(UPPER_ALNUM, 4)}${index.toString(36).toUpperCase().padStart(6, '0')}`,
        };
      default:
        return { ...common, platform, workspaceId: '', externalUserId: `local-${seedUsername(index)}` };
    }
  });
}

const teamWeights: [number, number][] = Array.from({ length: SLACK_TEAMS }, (_, t) => [t, 1 / (t + 1)]);

/** Slack team ids come from a fixed pool, so many users share a workspace. */
function slackTeam(seed: number, team: number): string {
  return `T${randomFor(seed, TEAM_STREAM, team).string(UPPER_ALNUM, 10)}`;
}

/** One person tends to use the same name everywhere, with platform flavour. */
function displayNameStyle(rng: Random): (platform: Platform) => string {
  const first = rng.pick(firstNames);
  const last = rng.pick(lastNames);
  const style = rng.weighted([
    ['first', 3],
    ['full', 4],
    ['handle', 3],
    ['special', 0.6],
  ] as const);
  const handle = `${first
    .toLowerCase()
    .normalize('NFD')
    .replace(/[^a-z-]/g, '')}_${rng.pick(handleWords)}${rng.int(1, 99)}`;
  const special = rng.pick(specialDisplayNames);
  return (platform) => {
    switch (style) {
      case 'first':
        return first;
      case 'full':
        return platform === 'discord' ? `${first} ${last[0]}.` : `${first} ${last}`;
      case 'handle':
        return platform === 'slack' ? `${first} ${last}` : handle;
      case 'special':
        return special;
    }
  };
}

function makeSettings(rng: Random, timeZone: string, createdAt: number, period: SeedPeriod): SeedSettings {
  const updatedAt = wholeSeconds(
    createdAt + rng.float(0, Math.min(60 * DAY_MS, period.until - createdAt - MINUTE_MS)),
  );
  return {
    timeZone,
    digestEnabled: rng.chance(0.85),
    digestDay: rng.weighted([
      [1, 40],
      [7, 25],
      [5, 15],
      [2, 5],
      [3, 5],
      [4, 5],
      [6, 5],
    ]),
    digestHour: rng.weighted([
      [9, 30],
      [8, 15],
      [10, 10],
      [18, 10],
      [19, 8],
      [20, 7],
      [7, 6],
      [rng.int(0, 23), 14],
    ]),
    llmNotesConsent: rng.chance(0.2),
    dmBlockedAt: rng.chance(0.02)
      ? wholeSeconds(rng.float(Math.max(createdAt, period.start), period.until - MINUTE_MS))
      : null,
    updatedAt,
  };
}
