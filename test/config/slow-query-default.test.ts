import { describe, expect, it } from 'vitest';
import { loadConfig, SLOW_QUERY_MS } from '../../src/config.js';

describe('the slow-query threshold', () => {
  it('GIVEN no DATABASE_URL and no DB_SLOW_QUERY_MS THEN the embedded database gets its own threshold', () => {
    expect(loadConfig({}).database.slowQueryMs).toBe(SLOW_QUERY_MS.pglite);
  });

  it('GIVEN DATABASE_URL and no DB_SLOW_QUERY_MS THEN the PostgreSQL threshold applies', () => {
    const config = loadConfig({ DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/moodscale' });
    expect(config.database.slowQueryMs).toBe(SLOW_QUERY_MS.postgres);
  });

  it('GIVEN DB_SLOW_QUERY_MS THEN it applies to either driver', () => {
    expect(loadConfig({ DB_SLOW_QUERY_MS: '50' }).database.slowQueryMs).toBe(50);
  });
});
