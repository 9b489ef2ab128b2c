import { join } from 'node:path';
import type { Config } from '../config.js';
import type { Logger } from '../core/logger.js';
import { createFieldCipher } from './create-field-cipher.js';
import { loadOrCreateKeyFile } from './encryption-keys.js';
import type { FieldCipher } from './field-cipher.js';

/**
 * The cipher for this process, and the key it uses (other secrets are derived from it). ENCRYPTION_KEY
 * when set (required in production with PostgreSQL); otherwise a key kept in DATA_DIR/encryption.key,
 * made on first start, so `npm start` needs no setup.
 */
export function resolveCipher(config: Config, logger: Logger): { cipher: FieldCipher; keyMaterial: string } {
  if (config.encryption.key) {
    return {
      cipher: createFieldCipher({ currentKey: config.encryption.key, oldKeys: config.encryption.oldKeys }),
      keyMaterial: config.encryption.key,
    };
  }
  const { key, created } = loadOrCreateKeyFile(config.database.dataDir);
  const where = join(config.database.dataDir, 'encryption.key');
  if (created)
    // The console shows a warning as its message alone: the message says where the key is.
    logger.warn(
      { keyFile: where },
      `ENCRYPTION_KEY is not set: generated the encryption key ${where}; back it up with the data ` +
        '(without it, stored notes cannot be read)',
    );
  else logger.info({ keyFile: where }, 'ENCRYPTION_KEY is not set: using the key file');
  if (config.database.url) {
    logger.warn(
      'DATABASE_URL is set but ENCRYPTION_KEY is not: every instance must share this key file; set ENCRYPTION_KEY instead',
    );
  }
  return {
    cipher: createFieldCipher({ currentKey: key, oldKeys: config.encryption.oldKeys }),
    keyMaterial: key,
  };
}
