import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { resolveCipher } from '../../../src/crypto/cipher-from-config.js';
import { captureLogger } from '../../integrations/audio-features/log-capture.js';
import { tempDir } from '../../support/temp-dir.js';

const WARN = 40;

describe('GIVEN no ENCRYPTION_KEY and a DATA_DIR without a key file', () => {
  it('WHEN MoodScale starts THEN its one warning names the key file it generated, to back up', () => {
    const dataDir = tempDir('moodscale-key-warning-');
    const { logger, lines } = captureLogger();

    resolveCipher(loadConfig({ DATA_DIR: dataDir }), logger);

    const warnings = lines.filter((line) => line.level === WARN).map((line) => line.msg);
    expect(warnings).toEqual([
      `ENCRYPTION_KEY is not set: generated the encryption key ${join(dataDir, 'encryption.key')}; ` +
        'back it up with the data (without it, stored notes cannot be read)',
    ]);
  });

  it('WHEN MoodScale starts again THEN the key file is used without a warning', () => {
    const dataDir = tempDir('moodscale-key-warning-');
    resolveCipher(loadConfig({ DATA_DIR: dataDir }), captureLogger().logger);
    const { logger, lines } = captureLogger();

    resolveCipher(loadConfig({ DATA_DIR: dataDir }), logger);

    expect(lines.filter((line) => line.level === WARN)).toEqual([]);
  });
});
