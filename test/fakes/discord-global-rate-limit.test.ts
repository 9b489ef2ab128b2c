import { setTimeout as sleep } from 'node:timers/promises';
import { type Client, Events } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createDiscordClient } from '../../src/platforms/discord/discord-client.js';
import {
  type FakeDiscord,
  type RecordedRequest,
  ROUTE_RATE_LIMITS,
  startFakeDiscord,
} from './discord/fake-discord.js';

const LIMIT = 50;

/** Requests that count toward the global limit: bot-authenticated, not callbacks or webhooks. */
const counted = (r: RecordedRequest) =>
  r.authorization?.startsWith('Bot ') === true &&
  !r.path.endsWith('/callback') &&
  !r.path.startsWith('/webhooks/');

describe('the fake Discord global rate limit', () => {
  let fake: FakeDiscord | undefined;
  let client: Client | undefined;
  afterEach(async () => {
    await client?.destroy();
    await fake?.close();
    client = undefined;
    fake = undefined;
  });

  it('GIVEN 150 requests at once from one bot THEN at most 50 a second pass, the rest get a global 429 shaped like Discord’s, and only requests after the in-flight grace count as unhonoured', async () => {
    fake = await startFakeDiscord({ globalRateLimit: { requestsPerSecond: LIMIT, inFlightGraceMs: 20 } });
    const { apiUrl, token } = fake;
    const get = () => fetch(`${apiUrl}/v10/users/@me`, { headers: { authorization: `Bot ${token}` } });

    // The windows are fixed seconds of the fake's clock: whatever a burst's length (a slow machine spreads
    // 150 requests over more than one second), no window lets more than 50 pass, and a burst meeting w
    // windows has at least 150 - 50w refused. Bursts are repeated (from a fresh window) until one is
    // refused with 0.4 s of its window left.
    let limited: { headers: Headers; body: Record<string, unknown> } | undefined;
    for (let attempt = 0; attempt < 5 && !limited; attempt += 1) {
      const firstOfBurst = fake.requests.length;
      const answers = await Promise.all(
        Array.from({ length: 150 }, async () => {
          const answer = await get();
          const body = (await answer.json()) as Record<string, unknown>;
          return { status: answer.status, headers: answer.headers, body };
        }),
      );
      const refused = answers.filter((a) => a.status === 429);
      const passedPerWindow = new Map<number, number>();
      const windows = new Set<number>();
      for (const r of fake.requests.slice(firstOfBurst).filter(counted)) {
        const window = Math.floor(r.receivedAt / 1000);
        windows.add(window);
        if (r.status === 200) passedPerWindow.set(window, (passedPerWindow.get(window) ?? 0) + 1);
      }
      expect(Math.max(...passedPerWindow.values())).toBeLessThanOrEqual(LIMIT);
      expect(refused.length).toBeGreaterThanOrEqual(150 - windows.size * LIMIT);
      const last = refused.at(-1);
      if (last && Number(last.body.retry_after) >= 0.4) limited = last;
      else await sleep(Number(last?.body.retry_after ?? 1) * 1000 + 10); // into a fresh window
    }
    if (!limited) throw new Error('no 429 with 0.4 s of its window left in 5 bursts');
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.headers.get('x-ratelimit-global')).toBe('true');
    expect(limited.headers.get('x-ratelimit-scope')).toBe('global');
    expect(limited.body).toMatchObject({ message: 'You are being rate limited.', global: true });
    expect(limited.body.retry_after).toBeGreaterThan(0);
    expect(limited.body.retry_after).toBeLessThanOrEqual(1);

    const before = fake.rateLimitStats();
    await sleep(100); // past the 20 ms grace, still inside retry_after
    expect((await get()).status).toBe(429);
    const after = fake.rateLimitStats();
    expect(after.unhonoured).toBe(before.unhonoured + 1);
    expect(after.globalRateLimited).toBe(before.globalRateLimited + 1);
    expect(after.botRequests).toBe(before.botRequests + 1);
    // Interaction callbacks and webhooks are exempt: they neither count nor get a global 429.
    const webhook = await fetch(`${apiUrl}/v10/webhooks/${fake.applicationId}/no-such-token`, {
      method: 'POST',
      headers: { authorization: `Bot ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(webhook.status).toBe(404);
    expect(fake.rateLimitStats().botRequests).toBe(after.botRequests);
  });

  it('GIVEN a global limit THEN opening a DM and posting to it carry per-route X-RateLimit headers, and the 6th message to one channel within 5 s gets a per-route 429', async () => {
    fake = await startFakeDiscord({ globalRateLimit: { requestsPerSecond: LIMIT } });
    const { apiUrl, token } = fake;
    const post = (path: string, body: unknown) =>
      fetch(`${apiUrl}/v10${path}`, {
        method: 'POST',
        headers: { authorization: `Bot ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const opened = await post('/users/@me/channels', { recipient_id: '300000000000000001' });
    expect(opened.status).toBe(200);
    expect(opened.headers.get('x-ratelimit-bucket')).toBe(ROUTE_RATE_LIMITS.dmOpens.bucket);
    expect(opened.headers.get('x-ratelimit-limit')).toBe(String(ROUTE_RATE_LIMITS.dmOpens.limit));
    expect(opened.headers.get('x-ratelimit-remaining')).toBe(String(ROUTE_RATE_LIMITS.dmOpens.limit - 1));
    const { id: channelId } = (await opened.json()) as { id: string };

    const answers: Response[] = [];
    for (let i = 0; i < 6; i += 1)
      answers.push(await post(`/channels/${channelId}/messages`, { content: 'hi' }));
    const [first, , , , fifth, sixth] = answers;
    expect(first?.status).toBe(200);
    expect(first?.headers.get('x-ratelimit-limit')).toBe('5');
    expect(first?.headers.get('x-ratelimit-remaining')).toBe('4');
    expect(first?.headers.get('x-ratelimit-bucket')).toBe(ROUTE_RATE_LIMITS.channelMessages.bucket);
    expect(Number(first?.headers.get('x-ratelimit-reset-after'))).toBeGreaterThan(4.5);
    expect(Number(first?.headers.get('x-ratelimit-reset')) * 1000).toBeGreaterThan(Date.now() + 4000);
    expect(fifth?.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(sixth?.status).toBe(429);
    expect(sixth?.headers.get('x-ratelimit-scope')).toBe('user');
    expect(sixth?.headers.has('x-ratelimit-global')).toBe(false);
    expect(await sixth?.json()).toMatchObject({ global: false });
    expect(fake.rateLimitStats()).toMatchObject({
      routeRateLimited: 1,
      globalRateLimited: 0,
      dmMessagesCreated: 5,
    });
  });

  it('GIVEN no global limit THEN nothing is limited and no X-RateLimit headers are sent (as before)', async () => {
    fake = await startFakeDiscord();
    const { apiUrl, token } = fake;
    const answers = await Promise.all(
      Array.from({ length: 120 }, () =>
        fetch(`${apiUrl}/v10/users/@me/channels`, {
          method: 'POST',
          headers: { authorization: `Bot ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ recipient_id: '300000000000000001' }),
        }),
      ),
    );
    expect(answers.every((a) => a.status === 200 && !a.headers.has('x-ratelimit-limit'))).toBe(true);
    expect(fake.rateLimitStats()).toMatchObject({ botRequests: 120, globalRateLimited: 0, unhonoured: 0 });
  });

  /** Logs the app's discord.js client in to the fake and DMs `count` distinct users at once. */
  async function sendDirectMessages(requestsPerSecond: number, count: number): Promise<string[]> {
    fake = await startFakeDiscord({ globalRateLimit: { requestsPerSecond } });
    const discord = createDiscordClient({ apiUrl: fake.apiUrl });
    client = discord;
    const ready = new Promise<void>((resolve) => discord.once(Events.ClientReady, () => resolve()));
    await discord.login(fake.token);
    await ready;
    const userIds = Array.from({ length: count }, (_, i) => String(300_000_000_000_000_000n + BigInt(i)));
    await Promise.all(
      userIds.map(async (id) => {
        const channel = await discord.users.createDM(id);
        await channel.send(`How are you feeling today? (${id})`);
      }),
    );
    return userIds;
  }

  /** The requests the fake admitted in each of its fixed 1 s windows. */
  function admittedPerWindow(requests: RecordedRequest[]): number[] {
    const perWindow = new Map<number, number>();
    for (const r of requests.filter((r) => r.status !== 429)) {
      const window = Math.floor(r.receivedAt / 1000);
      perWindow.set(window, (perWindow.get(window) ?? 0) + 1);
    }
    return [...perWindow.values()];
  }

  it('GIVEN a 50/s global limit WHEN discord.js sends 150 DMs at once THEN all arrive, paced by the limit, and no request disregards a 429', async () => {
    const userIds = await sendDirectMessages(LIMIT, 150);
    if (!fake) throw new Error('no fake');

    const stats = fake.rateLimitStats();
    expect(stats.dmMessagesCreated).toBe(150);
    for (const id of userIds) {
      expect(fake.directMessagesTo(id).filter((r) => r.status === 200)).toHaveLength(1);
    }
    expect(stats.unhonoured).toBe(0);

    const requests = fake.requests.filter(counted);
    // 150 DM openings + 150 messages (+ the login's GET /gateway/bot), each a bot request.
    expect(stats.botRequests).toBe(requests.length);
    expect(requests.filter((r) => r.status !== 429).length).toBeGreaterThanOrEqual(300);
    expect(Math.max(...admittedPerWindow(requests))).toBeLessThanOrEqual(LIMIT);
    // 300 requests at 50/s: either discord.js paced itself over the windows (6 windows of 50 span more
    // than 4 s) or it was told to with 429s (and honoured them: unhonoured is 0 above).
    const spanMs = (stats.lastDmMessageAt ?? 0) - (requests[0]?.receivedAt ?? 0);
    expect(stats.globalRateLimited > 0 || spanMs >= 4000).toBe(true);
    expect(stats.lastDmMessageAt ?? 0).toBeGreaterThan(stats.firstDmMessageAt ?? Number.POSITIVE_INFINITY);
  }, 20_000);

  it('GIVEN a global limit below the 50/s discord.js assumes WHEN it sends 40 DMs at once THEN it gets global 429s, waits them out, and delivers all', async () => {
    const userIds = await sendDirectMessages(20, 40);
    if (!fake) throw new Error('no fake');

    const stats = fake.rateLimitStats();
    expect(stats.dmMessagesCreated).toBe(40);
    for (const id of userIds) {
      expect(fake.directMessagesTo(id).filter((r) => r.status === 200)).toHaveLength(1);
    }
    expect(stats.globalRateLimited).toBeGreaterThan(0);
    expect(stats.unhonoured).toBe(0);
    expect(Math.max(...admittedPerWindow(fake.requests.filter(counted)))).toBeLessThanOrEqual(20);
  }, 20_000);
});
