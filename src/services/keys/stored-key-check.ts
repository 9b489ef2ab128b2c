import type { Config } from '../../config.js';
import { ConfigError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { keyIdFor, parseEncryptionKey } from '../../crypto/encryption-keys.js';
import type { FieldCipher } from '../../crypto/field-cipher.js';
import type { Db } from '../../db/database.js';
import type { ValueSample } from '../../db/repositories/encrypted-values.js';
import { type KeyUsage, keyUsage } from './key-rotation.js';

/**
 * How much of each encrypted column the start-up check reads: the 2,000 oldest and newest rows and
 * 1,000 spread between, by primary key (at most 5,000 rows a column, however large the table; tables
 * up to 4,000 rows are read whole). A whole-column census reads every row (a quarter of a second for a
 * million notes on a warm server, more from disk); this sample took 60 ms on that table. A key that
 * protects only a few values in the middle of a large table can slip through; `npm run keys:rotate --
 * --dry-run` counts every value.
 */
export const START_SAMPLE: ValueSample = { ends: 2000, spread: 1000 };

/** Stored values under key ids that are neither ENCRYPTION_KEY's nor one of ENCRYPTION_OLD_KEYS'. */
export interface UnconfiguredKeys {
  keyIds: string[];
  /** How many values were seen under them (in the sample: there may be more). */
  count: number;
  /** The columns they were seen in, as table.column. */
  columns: string[];
}

/** The ids of the key new values are written with and of the old keys that are only read. */
export function configuredKeyIds(
  config: Pick<Config, 'encryption'>,
  cipher: Pick<FieldCipher, 'currentKeyId'>,
): { current: string; old: string[] } {
  return {
    current: cipher.currentKeyId,
    old: config.encryption.oldKeys.map((k, i) =>
      keyIdFor(parseEncryptionKey(k, `ENCRYPTION_OLD_KEYS (entry ${i + 1})`)),
    ),
  };
}

/** The key ids in `usage` that no configured key has, or undefined when every value has its key. */
export function unconfiguredKeys(
  usage: readonly KeyUsage[],
  keys: { current: string; old: readonly string[] },
): UnconfiguredKeys | undefined {
  const known = new Set([keys.current, ...keys.old]);
  const keyIds = new Set<string>();
  const columns: string[] = [];
  let count = 0;
  for (const column of usage) {
    let inColumn = 0;
    for (const [id, n] of Object.entries(column.byKeyId)) {
      if (known.has(id) || n === 0) continue;
      keyIds.add(id);
      inColumn += n;
    }
    if (inColumn > 0) columns.push(column.column);
    count += inColumn;
  }
  return count === 0 ? undefined : { keyIds: [...keyIds].sort(), count, columns };
}

/**
 * Run at start, after the migrations and before any platform: looks (in a bounded sample, see
 * START_SAMPLE) for stored values under a key this server does not have, as after restoring a backup
 * on a new machine or a typo in a secret. Those values cannot be read: notes show as unreadable and
 * Spotify links need renewing. In production that stops the start with a ConfigError, unless
 * ENCRYPTION_ALLOW_UNREADABLE=true; otherwise (and then) it is one warning in the log.
 * Returns what it found.
 */
export async function checkStoredKeys(deps: {
  db: Db;
  cipher: Pick<FieldCipher, 'currentKeyId'>;
  config: Pick<Config, 'env' | 'encryption'>;
  logger: Logger;
  sample?: ValueSample;
}): Promise<UnconfiguredKeys | undefined> {
  const { config, logger } = deps;
  const usage = await keyUsage(deps.db, undefined, { sample: deps.sample ?? START_SAMPLE });
  const found = unconfiguredKeys(usage, configuredKeyIds(config, deps.cipher));
  if (!found) return undefined;
  const { keyIds, count, columns } = found;
  const one = keyIds.length === 1;
  const which = `key${one ? '' : 's'} ${keyIds.join(', ')}, which ${one ? 'is' : 'are'} not configured`;
  const seen = `at least ${count} in ${columns.join(', ')}`;
  if (config.env === 'production' && !config.encryption.allowUnreadable) {
    throw new ConfigError(
      `MoodScale cannot start: stored values are encrypted with ${which} (${seen}); ` +
        'they cannot be read with ENCRYPTION_KEY.\n' +
        `  ENCRYPTION_OLD_KEYS: add the key they were written with (${keyIds.join(', ')}), ` +
        'then npm run keys:rotate moves them to ENCRYPTION_KEY.\n' +
        '  ENCRYPTION_ALLOW_UNREADABLE=true starts anyway: those notes show as unreadable and Spotify ' +
        'links must be renewed with /spotify connect.',
    );
  }
  logger.warn(
    { keyIds, count, columns },
    `stored values are encrypted with ${which} (${seen}) and cannot be read: notes show as unreadable ` +
      'and Spotify links need renewing. Add that key to ENCRYPTION_OLD_KEYS and run npm run keys:rotate' +
      (config.env === 'production'
        ? ' (starting anyway: ENCRYPTION_ALLOW_UNREADABLE=true)'
        : ' (in production the start stops unless ENCRYPTION_ALLOW_UNREADABLE=true)'),
  );
  return found;
}
