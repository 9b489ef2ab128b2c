import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/core/errors.js';
import type { Database } from '../../../src/db/database.js';
import { createSlackAdapter } from '../../../src/platforms/slack/slack-adapter.js';
import { FakeSlack } from '../../fakes/slack/fake-slack.js';
import { createAppHarness } from '../../support/app-harness.js';
import { createTestDatabase } from '../../support/test-database.js';
import { BOT_TOKEN, capturingLogger, SIGNING_SECRET, startSlackRig } from './slack-support.js';

describe('Slack adapter start-up', () => {
  let fake: FakeSlack;
  let database: Database;
  beforeAll(async () => {
    fake = await FakeSlack.start();
    database = await createTestDatabase('pglite');
  });
  afterAll(async () => {
    await fake.close();
    await database.close();
  });

  it('GIVEN a revoked bot token (invalid_auth) THEN start fails with a ConfigError that names SLACK_BOT_TOKEN and what to do', async () => {
    fake.invalidTokens.add('xoxb-revoked');
    const failure = await startSlackRig(database.db, 'socket', { fake, botToken: 'xoxb-revoked' }).catch(
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(ConfigError);
    expect(String((failure as Error).message)).toMatch(/SLACK_BOT_TOKEN.*OAuth & Permissions/s);
    expect((failure as Error).message).toContain('invalid_auth');
  });

  it('GIVEN a bot token where the app-level token belongs THEN start fails naming SLACK_APP_TOKEN and connections:write', async () => {
    // The SDK retries this refusal forever; the adapter's start deadline turns it into an answer.
    const failure = await startSlackRig(database.db, 'socket', {
      fake,
      appToken: 'xoxb-not-an-app-token',
      startTimeoutMs: 1500,
    }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as Error).message).toMatch(/SLACK_APP_TOKEN.*connections:write/s);
    expect((failure as Error).message).toContain('not_allowed_token_type');
    expect(fake.connections).toBe(0);
  });

  it('GIVEN a rejected app-level token THEN start fails naming SLACK_APP_TOKEN', async () => {
    fake.invalidTokens.add('xapp-revoked');
    const failure = await startSlackRig(database.db, 'socket', { fake, appToken: 'xapp-revoked' }).catch(
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as Error).message).toContain('SLACK_APP_TOKEN');
  });

  it('GIVEN an app installed without files:write and users:read THEN it starts and logs which scopes are missing and what breaks', async () => {
    const { logger, lines } = capturingLogger();
    fake.scopes = ['commands', 'chat:write', 'im:write'];
    try {
      const rig = await startSlackRig(database.db, 'http', { fake, logger });
      await rig.close();
    } finally {
      fake.scopes = ['commands', 'chat:write', 'im:write', 'files:write', 'users:read'];
    }
    const log = lines();
    expect(log).toContain('missing bot token scopes');
    expect(log).toContain('files:write (/export cannot upload its files)');
    expect(log).toContain('users:read');
    expect(log).toContain('reinstall');
  });

  it('GIVEN the Web API cannot be reached THEN start fails saying so and naming SLACK_API_URL', async () => {
    const app = createAppHarness(database.db);
    const adapter = createSlackAdapter({
      inbox: app.inbox,
      config: {
        botToken: BOT_TOKEN,
        mode: 'http',
        appToken: undefined,
        signingSecret: SIGNING_SECRET,
        apiUrl: 'http://127.0.0.1:9/api/',
      },
      port: 0,
      logger: capturingLogger().logger,
    });
    await expect(adapter.start()).rejects.toThrow(/cannot reach the Slack Web API.*SLACK_API_URL/);
  });

  it('GIVEN HTTP mode on a port already in use THEN start fails with a ConfigError naming PORT', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const app = createAppHarness(database.db);
      const adapter = createSlackAdapter({
        inbox: app.inbox,
        config: {
          botToken: BOT_TOKEN,
          mode: 'http',
          appToken: undefined,
          signingSecret: SIGNING_SECRET,
          apiUrl: fake.apiUrl,
        },
        port,
        logger: capturingLogger().logger,
      });
      const failure = await adapter.start().catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(ConfigError);
      expect((failure as Error).message).toContain('PORT');
    } finally {
      blocker.close();
    }
  });

  it('GIVEN HTTP mode THEN POST /slack/events is served on the port and other paths are 404', async () => {
    const rig = await startSlackRig(database.db, 'http', { fake });
    try {
      expect(rig.adapter.port).toBeGreaterThan(0);
      const other = await fetch(`http://127.0.0.1:${rig.adapter.port}/elsewhere`, { method: 'POST' });
      expect(other.status).toBe(404);
      const ssl = await fetch(rig.eventsUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'ssl_check=1&token=x',
      });
      expect(ssl.status).toBe(200);
    } finally {
      await rig.close();
    }
  });

  it('GIVEN a custom route (health) in HTTP mode THEN it is served on the same port as /slack/events', async () => {
    const app = createAppHarness(database.db);
    const adapter = createSlackAdapter({
      inbox: app.inbox,
      config: {
        botToken: BOT_TOKEN,
        mode: 'http',
        appToken: undefined,
        signingSecret: SIGNING_SECRET,
        apiUrl: fake.apiUrl,
      },
      port: 0,
      logger: capturingLogger().logger,
      customRoutes: [
        {
          path: '/healthz',
          method: ['GET'],
          handler: (_req, res) => {
            res.writeHead(200, { 'content-type': 'text/plain' });
            res.end('ok');
          },
        },
      ],
    });
    await adapter.start();
    try {
      const health = await fetch(`http://127.0.0.1:${adapter.port}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.text()).toBe('ok');
    } finally {
      await adapter.stop();
    }
  });
});
