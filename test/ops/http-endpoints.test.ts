import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, startApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/core/logger.js';
import { type FakeDiscord, startFakeDiscord } from '../fakes/discord/fake-discord.js';
import { chatInputInteraction } from '../fakes/discord/payloads.js';
import { FakeSlack } from '../fakes/slack/fake-slack.js';
import { newDiscordUser } from '../platforms/discord/discord-harness.js';
import { SIGNING_SECRET } from '../platforms/slack/slack-support.js';
import { tempDir } from '../support/temp-dir.js';

/** The value of one sample line of the Prometheus text, or undefined when it is absent. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

async function moodOnDiscord(fake: FakeDiscord, score: number): Promise<void> {
  const sent = fake.interact(
    chatInputInteraction(
      fake.applicationId,
      { name: 'mood', options: [{ name: 'score', type: 4, value: score }] },
      newDiscordUser(),
    ),
  );
  const ack = await fake.acknowledgement(sent.json.id);
  expect(ack.status).toBe(204);
}

describe('GIVEN MoodScale with Discord only (the operations endpoints on OPS_PORT)', () => {
  let fake: FakeDiscord;
  let app: App;

  beforeAll(async () => {
    fake = await startFakeDiscord();
    const config = loadConfig({
      DATA_DIR: tempDir('moodscale-ops-http-'),
      DISCORD_TOKEN: fake.token,
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_API_URL: fake.apiUrl,
      PORT: '0',
      OPS_PORT: '0',
      LOG_LEVEL: 'silent',
    });
    app = await startApp(config, silentLogger());
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    await fake?.close();
  });

  it('WHEN the operations server starts THEN it listens on loopback only', () => {
    expect(app.opsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('WHEN nothing but Discord is configured THEN no public port is opened', () => {
    expect(app.httpUrl).toBeUndefined();
  });

  it('WHEN /healthz is requested THEN it answers 200', async () => {
    const response = await fetch(`${app.opsUrl}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('WHEN /readyz is requested with the database and Discord up THEN it answers 200 with each check', async () => {
    const response = await fetch(`${app.opsUrl}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ready',
      checks: { database: { ok: true }, discord: { ok: true } },
    });
  });

  it('WHEN /mood runs through Discord THEN /metrics counts it, times it and its acknowledgement', async () => {
    await moodOnDiscord(fake, 7);
    await moodOnDiscord(fake, 4);
    const response = await fetch(`${app.opsUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(sample(text, 'moodscale_commands_total', '{command="mood",platform="discord",outcome="ok"}')).toBe(
      2,
    );
    expect(sample(text, 'moodscale_command_duration_seconds_count', '{command="mood"}')).toBe(2);
    expect(sample(text, 'moodscale_acknowledge_seconds_count', '{platform="discord"}')).toBe(2);
    expect(sample(text, 'moodscale_acknowledge_seconds_bucket', '{le="3",platform="discord"}')).toBe(2);
  });

  it('WHEN /metrics is scraped on the embedded database THEN pool and storage sizes are reported', async () => {
    const text = await (await fetch(`${app.opsUrl}/metrics`)).text();
    expect(sample(text, 'moodscale_db_pool_connections', '{state="total"}')).toBe(1);
    expect(sample(text, 'moodscale_db_size_bytes')).toBeGreaterThan(1_000_000);
    expect(sample(text, 'moodscale_db_table_size_bytes', '{table="mood_entries"}')).toBeGreaterThan(0);
    expect(sample(text, 'moodscale_db_table_size_bytes', '{table="users"}')).toBeGreaterThan(0);
  });

  it('WHEN a backup is reported THEN /metrics shows its age, absent before', async () => {
    const before = await (await fetch(`${app.opsUrl}/metrics`)).text();
    expect(sample(before, 'moodscale_last_backup_age_seconds')).toBeUndefined();
    app.ops.backup({ ok: true, at: new Date(Date.now() - 90_000) });
    const text = await (await fetch(`${app.opsUrl}/metrics`)).text();
    expect(sample(text, 'moodscale_last_backup_age_seconds')).toBeGreaterThanOrEqual(90);
    expect(sample(text, 'moodscale_last_backup_age_seconds')).toBeLessThan(120);
  });

  it('WHEN digests are reported THEN /metrics counts them by outcome', async () => {
    app.ops.digest('claimed');
    app.ops.digest('sent');
    app.ops.digest('failed', 'test');
    const text = await (await fetch(`${app.opsUrl}/metrics`)).text();
    expect(sample(text, 'moodscale_digests_total', '{outcome="claimed"}')).toBe(1);
    expect(sample(text, 'moodscale_digests_total', '{outcome="failed"}')).toBe(1);
    expect(app.alerter.open()).toContain('digest');
    app.ops.digest('sent');
    expect(app.alerter.open()).not.toContain('digest');
  });

  it('WHEN an unknown path is requested THEN it is 404', async () => {
    expect((await fetch(`${app.opsUrl}/nothing-here`)).status).toBe(404);
  });
});

describe('GIVEN MoodScale with Slack in HTTP mode (Slack holds the public PORT)', () => {
  let slack: FakeSlack;
  let app: App;

  beforeAll(async () => {
    slack = await FakeSlack.start();
    const config = loadConfig({
      DATA_DIR: tempDir('moodscale-ops-slack-'),
      SLACK_BOT_TOKEN: 'xoxb-test-bot-token',
      SLACK_MODE: 'http',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      PORT: '0',
      OPS_PORT: '0',
      LOG_LEVEL: 'silent',
    });
    app = await startApp(config, silentLogger());
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    await slack?.close();
  });

  it('WHEN /healthz, /readyz or /metrics is requested on the public Slack port THEN it is not found there', async () => {
    expect(app.httpUrl).toBe(`http://127.0.0.1:${app.slack!.port}`);
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      expect((await fetch(`${app.httpUrl}${path}`)).status).toBe(404);
    }
  });

  it('WHEN /healthz, /readyz and /metrics are requested on OPS_PORT THEN they answer there', async () => {
    expect(app.opsUrl).not.toBe(app.httpUrl);
    expect((await fetch(`${app.opsUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${app.opsUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ checks: { database: { ok: true }, slack: { ok: true } } });
    expect(await (await fetch(`${app.opsUrl}/metrics`)).text()).toContain('moodscale_db_size_bytes');
  });
});

describe('GIVEN MoodScale with OPS_TOKEN set', () => {
  const token = 'ops-token-for-the-test-0123456789';
  let fake: FakeDiscord;
  let app: App;

  beforeAll(async () => {
    fake = await startFakeDiscord();
    const config = loadConfig({
      DATA_DIR: tempDir('moodscale-ops-token-'),
      DISCORD_TOKEN: fake.token,
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_API_URL: fake.apiUrl,
      OPS_PORT: '0',
      OPS_TOKEN: token,
      LOG_LEVEL: 'silent',
    });
    app = await startApp(config, silentLogger());
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    await fake?.close();
  });

  it('WHEN /metrics is requested without the token THEN it answers 401 and shows nothing', async () => {
    const response = await fetch(`${app.opsUrl}/metrics`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await response.text()).not.toContain('moodscale_');
  });

  it('WHEN /readyz is requested with a wrong token THEN it answers 401', async () => {
    const response = await fetch(`${app.opsUrl}/readyz`, { headers: { authorization: 'Bearer wrong' } });
    expect(response.status).toBe(401);
  });

  it('WHEN /metrics and /readyz are requested with the token THEN they answer', async () => {
    const headers = { authorization: `Bearer ${token}` };
    expect((await fetch(`${app.opsUrl}/readyz`, { headers })).status).toBe(200);
    expect(await (await fetch(`${app.opsUrl}/metrics`, { headers })).text()).toContain(
      'moodscale_db_size_bytes',
    );
  });

  it('WHEN /healthz is requested without the token THEN it answers 200 (it tells nothing)', async () => {
    expect((await fetch(`${app.opsUrl}/healthz`)).status).toBe(200);
  });
});

describe('GIVEN the console chat alone', () => {
  let app: App;

  beforeAll(async () => {
    const config = loadConfig({
      DATA_DIR: tempDir('moodscale-ops-console-'),
      OPS_PORT: '0',
      LOG_LEVEL: 'silent',
    });
    app = await startApp(config, silentLogger(), {
      console: { user: 'tester', input: Readable.from([]), output: new PassThrough(), interactive: false },
    });
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
  });

  it('WHEN it starts without Spotify THEN it opens no public port', () => {
    expect(app.httpUrl).toBeUndefined();
  });

  it('WHEN it starts THEN only the operations endpoints listen, on loopback', async () => {
    expect(app.opsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${app.opsUrl}/healthz`)).status).toBe(200);
  });
});
