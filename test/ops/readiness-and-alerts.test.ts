import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type App, startApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/core/logger.js';
import { type FakeDiscord, startFakeDiscord } from '../fakes/discord/fake-discord.js';
import { quoteIdent, withAdmin } from '../support/postgres-admin.js';
import { tempDir } from '../support/temp-dir.js';
import { postgresAvailable, useMigratedPostgresDatabases } from '../support/test-database.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

const ALERT_CHANNEL_ID = '555555555555555555';

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Closes the database to new connections and ends the ones open: what an outage looks like to the bot. */
async function cutOff(name: string, allow: boolean): Promise<void> {
  await withAdmin(inject('postgresUrl'), async (admin) => {
    await admin.query(`ALTER DATABASE ${quoteIdent(name)} WITH ALLOW_CONNECTIONS ${allow}`);
    if (!allow) {
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [name],
      );
    }
  });
}

describe.skipIf(!postgresAvailable())('GIVEN MoodScale on PostgreSQL with alerts configured', () => {
  const databases = useMigratedPostgresDatabases();
  let name: string;
  let fake: FakeDiscord;
  let receiver: WebhookReceiver;
  let app: App;

  beforeAll(async () => {
    const created = await databases.create();
    name = created.name;
    fake = await startFakeDiscord();
    receiver = await startWebhookReceiver();
    const config = loadConfig({
      DATABASE_URL: created.url,
      DB_CONNECTION_TIMEOUT: '1000',
      // Every statement counts as slow, so the slow-query metric has something to count.
      DB_SLOW_QUERY_MS: '0',
      DATA_DIR: tempDir('moodscale-ops-alerts-'),
      DISCORD_TOKEN: fake.token,
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_API_URL: fake.apiUrl,
      ALERT_WEBHOOK_URL: receiver.url,
      ALERT_CHANNEL: `discord:${ALERT_CHANNEL_ID}`,
      STORAGE_ALERT_BYTES: '1000',
      PORT: '0',
      OPS_PORT: '0',
      LOG_LEVEL: 'silent',
    });
    app = await startApp(config, silentLogger(), { opsCheckIntervalMs: 150 });
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    await cutOff(name, true).catch(() => undefined);
    await fake?.close();
    await receiver?.close();
  });

  const alertsAbout = (key: string) =>
    receiver.bodies.map((b) => String(b.text)).filter((t) => t.includes(`(${key})`));
  const channelPosts = (key: string) =>
    fake.requests.filter(
      (r) =>
        r.method === 'POST' &&
        r.path === `/channels/${ALERT_CHANNEL_ID}/messages` &&
        String((r.body as { content?: string }).content).includes(`(${key})`),
    );

  it('WHEN /metrics is scraped THEN the pg pool figures and the slow queries are reported', async () => {
    const text = await (await fetch(`${app.opsUrl}/metrics`)).text();
    const value = (line: string) => Number(new RegExp(`^${line} (\\d+)$`, 'm').exec(text)?.[1]);
    expect(value('moodscale_db_pool_connections\\{state="total"\\}')).toBeGreaterThanOrEqual(1);
    expect(value('moodscale_db_pool_connections\\{state="waiting"\\}')).toBe(0);
    expect(value('moodscale_db_slow_queries_total')).toBeGreaterThan(0);
    expect(value('moodscale_db_table_size_bytes\\{table="mood_entries"\\}')).toBeGreaterThan(0);
  });

  it('WHEN the database is larger than STORAGE_ALERT_BYTES THEN one storage alert is posted, not one per check', async () => {
    await until(() => alertsAbout('storage').length > 0, 5000, 'the storage alert');
    await new Promise((r) => setTimeout(r, 600)); // several more checks
    expect(alertsAbout('storage')).toHaveLength(1);
    expect(alertsAbout('storage')[0]).toMatch(/above STORAGE_ALERT_BYTES/);
  });

  it('WHEN the database stops accepting connections THEN /readyz is 503 with the reason and one alert goes to each destination', async () => {
    expect((await fetch(`${app.opsUrl}/readyz`)).status).toBe(200);
    await cutOff(name, false);
    const response = await fetch(`${app.opsUrl}/readyz`);
    expect(response.status).toBe(503);
    const body = (await response.json()) as {
      status: string;
      reason: string;
      checks: Record<string, unknown>;
    };
    expect(body.status).toBe('not ready');
    // Which check failed, and nothing an outsider could use: no driver message, host or port.
    expect(body.reason).toBe('database: database unreachable');
    expect(JSON.stringify(body)).not.toMatch(/accepting connections|127\.0\.0\.1|5432|ECONNREFUSED/);
    expect(body.checks.database).toEqual({ ok: false, reason: 'database unreachable' });
    expect(body.checks.discord).toEqual({ ok: true });
    expect((await fetch(`${app.opsUrl}/healthz`)).status).toBe(200);

    await until(() => alertsAbout('database').length > 0, 5000, 'the database alert');
    await new Promise((r) => setTimeout(r, 1000)); // the check keeps failing every 150 ms
    expect(alertsAbout('database')).toEqual([
      expect.stringMatching(/^:rotating_light: MoodScale alert \(database\): The database is unreachable/),
    ]);
    expect(channelPosts('database')).toHaveLength(1);
    const posted = channelPosts('database')[0]?.body as { allowed_mentions?: unknown } | undefined;
    expect(posted?.allowed_mentions).toEqual({ parse: [] });
  });

  it('WHEN the database accepts connections again THEN /readyz is 200 and the incident is resolved once', async () => {
    await cutOff(name, true);
    await until(async () => (await fetch(`${app.opsUrl}/readyz`)).status === 200, 5000, 'readiness');
    await until(() => !app.alerter.open().includes('database'), 5000, 'the resolution');
    await app.alerter.settled();
    expect(alertsAbout('database')).toHaveLength(2);
    expect(alertsAbout('database')[1]).toMatch(/^:white_check_mark: MoodScale: resolved \(database\)/);
  });
});
