import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger, noticeLine } from '../../src/core/logger.js';
import { tempDir } from '../support/temp-dir.js';

function fileLogger(pretty = false) {
  const path = join(tempDir('moodscale-log-'), 'moodscale.log');
  const notices: string[] = [];
  const logger = createLogger({
    level: 'info',
    pretty,
    toFile: { path, notice: (line) => notices.push(line) },
  });
  return { logger, notices, file: () => readFileSync(path, 'utf8') };
}

describe('the log while the console chat runs', () => {
  it('GIVEN an info line THEN it goes to the file and not to the terminal', () => {
    const { logger, notices, file } = fileLogger();

    logger.info({ port: 9464 }, 'http server listening');

    expect(file()).toContain('"msg":"http server listening"');
    expect(notices).toEqual([]);
  });

  it('GIVEN a warning with an error THEN the terminal gets one line without a stack, and the file keeps the stack', () => {
    const { logger, notices, file } = fileLogger();

    logger.warn({ err: new Error('listen EADDRINUSE') }, 'OPS_PORT is in use');

    expect(notices).toEqual(['warning: OPS_PORT is in use (listen EADDRINUSE)']);
    expect(file()).toContain('"stack":"Error: listen EADDRINUSE');
  });

  it('GIVEN an error logged with a message as err THEN the terminal line says "error:" with that message', () => {
    const { logger, notices } = fileLogger();

    logger.error({ err: 'spotify-oembed: request failed' }, 'track metadata unavailable');

    expect(notices).toEqual(['error: track metadata unavailable (spotify-oembed: request failed)']);
  });

  it('GIVEN LOG_FORMAT=pretty THEN the file holds readable single lines', () => {
    const { logger, file } = fileLogger(true);

    logger.info({ port: 9464 }, 'http server listening');

    expect(file()).toMatch(
      /^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\] INFO: http server listening \{"port":9464\}\n$/,
    );
  });

  it('GIVEN a fatal line THEN no notice is made (main prints the failed start itself)', () => {
    expect(noticeLine(JSON.stringify({ level: 60, msg: 'MoodScale failed to start' }))).toBeUndefined();
  });
});
