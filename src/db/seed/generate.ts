import { Catalogue } from './catalogue.js';
import { generateMoodEntries, type SeedMoodEntry } from './moods.js';
import {
  type AnalysisSlots,
  generateAnalyses,
  generateInsights,
  generateRecommendations,
  type SeedAnalysis,
  type SeedInsight,
  type SeedRecommendation,
} from './music.js';
import { generateUser, MAX_SEED_USERS, type SeedUser } from './people.js';
import { type SeedPeriod, seedPeriod, wholeSeconds } from './period.js';
import { randomFor } from './random.js';

/**
 * A fixed end of the seeded period for runs that must give the same rows every time (tests, benchmarks;
 * `npm run db:seed -- --until 2026-11-23`). Without `until` the period ends now.
 */
export const FIXED_UNTIL = new Date('2026-11-23T00:00:00Z');
export const DEFAULT_ANALYSES_PER_USER = 20;

export interface SeedOptions {
  users: number;
  /** Days of history per user, ending at `until` (default 90). */
  days?: number;
  /** Size of the mock track catalogue (default 1000). */
  tracks?: number;
  /** Total music_analysis rows (default 20 per user). At least `tracks` analyses every track. */
  analyses?: number;
  /** Same seed, same data (default 42). */
  seed?: number;
  /**
   * End of the seeded period, exclusive. Default: now (whole seconds), so the data reads as recent;
   * pass a fixed date (FIXED_UNTIL) and the same options give the same rows on every run.
   */
  until?: Date;
  /** Delete every row of every table first (TRUNCATE ... RESTART IDENTITY CASCADE). */
  reset?: boolean;
}

export type ResolvedSeedOptions = Required<SeedOptions>;

export const seedLimits = {
  users: { min: 1, max: MAX_SEED_USERS },
  days: { min: 1, max: 3650 },
  tracks: { min: 1, max: 2_000_000 },
  analyses: { min: 0, max: 100_000_000 },
  seed: { min: 0, max: 0xffff_ffff },
} as const;

/** Fills in defaults and checks ranges; throws a RangeError naming the option. */
export function resolveSeedOptions(options: SeedOptions): ResolvedSeedOptions {
  const resolved: ResolvedSeedOptions = {
    users: options.users,
    days: options.days ?? 90,
    tracks: options.tracks ?? 1000,
    analyses: options.analyses ?? options.users * DEFAULT_ANALYSES_PER_USER,
    seed: options.seed ?? 42,
    until: options.until ?? new Date(wholeSeconds(Date.now())),
    reset: options.reset ?? false,
  };
  for (const name of Object.keys(seedLimits) as (keyof typeof seedLimits)[]) {
    const value = resolved[name];
    const { min, max } = seedLimits[name];
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new RangeError(`seed option ${name} must be a whole number from ${min} to ${max} (got ${value})`);
    }
  }
  if (Number.isNaN(resolved.until.getTime())) throw new RangeError('seed option until is not a valid date');
  return resolved;
}

/** Everything per-run that users share: the period, the catalogue, how analyses are spread over users. */
export interface SeedPlan {
  options: ResolvedSeedOptions;
  period: SeedPeriod;
  catalogue: Catalogue;
  /** analysisStart[i] is user i's first global analysis slot; analysisStart[users] = analyses. */
  analysisStart: Float64Array;
  coverage: number;
}

const ACTIVITY_STREAM = 0x6163;

export function createSeedPlan(options: ResolvedSeedOptions): SeedPlan {
  const { users, analyses, tracks, seed } = options;
  // Some users share far more music than others (log-normal weights); rounding the running total keeps
  // the sum exactly `analyses`.
  const cumulative = new Float64Array(users + 1);
  for (let i = 0; i < users; i++) {
    const weight = Math.exp(randomFor(seed, ACTIVITY_STREAM, i).gaussian(0, 0.7));
    cumulative[i + 1] = (cumulative[i] as number) + weight;
  }
  const total = cumulative[users] as number;
  const analysisStart = new Float64Array(users + 1);
  for (let i = 0; i <= users; i++) {
    analysisStart[i] = i === users ? analyses : Math.round((analyses * (cumulative[i] as number)) / total);
  }
  return {
    options,
    period: seedPeriod(options.until, options.days),
    catalogue: new Catalogue(seed, tracks),
    analysisStart,
    // With enough analyses every track is shared at least once; otherwise half follow the catalogue.
    coverage: analyses >= tracks ? tracks : Math.floor(analyses / 2),
  };
}

/** All generated data of one user. Times are epoch milliseconds; tracks are catalogue indexes. */
export interface SeedUserBundle {
  user: SeedUser;
  entries: SeedMoodEntry[];
  analyses: SeedAnalysis[];
  recommendations: SeedRecommendation[];
  insights: SeedInsight[];
}

/** User `index`'s data: a pure function of the plan and the index, in any order, in any batch. */
export function generateUserBundle(plan: SeedPlan, index: number): SeedUserBundle {
  const { seed } = plan.options;
  const user = generateUser(seed, index, plan.period);
  const moods = generateMoodEntries(seed, user, plan.period);
  const start = plan.analysisStart[index] as number;
  const slots: AnalysisSlots = {
    start,
    count: (plan.analysisStart[index + 1] as number) - start,
    total: plan.options.analyses,
    coverage: plan.coverage,
  };
  const analyses = generateAnalyses(seed, user, moods, plan.period, plan.catalogue, slots);
  const recommendations = generateRecommendations(seed, user, moods.entries, plan.period, plan.catalogue);
  const insights = generateInsights(seed, user, moods.entries, analyses, plan.period, plan.catalogue);
  return { user, entries: moods.entries, analyses, recommendations, insights };
}
