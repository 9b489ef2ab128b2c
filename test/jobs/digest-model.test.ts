import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import type { Reply } from '../../src/core/commands/index.js';
import { renderPlainText } from '../../src/core/commands/index.js';
import { silentLogger } from '../../src/core/logger.js';
import { findDigestDelivery } from '../../src/db/repositories/digest-deliveries.js';
import { createAiClient } from '../../src/integrations/ai/openai-client.js';
import type { SendDirect } from '../../src/platforms/direct-messages.js';
import { insightEnricher } from '../../src/services/digest/insight-enricher.js';
import { createInsightService } from '../../src/services/insights/insight-service.js';
import { FakeOpenAi, type FakeOpenAiReply } from '../fakes/openai/fake-openai.js';
import { queryRows } from '../support/query-rows.js';
import { describeEachDatabase } from '../support/test-database.js';
import { activeWeek, digestUser, MONDAY_0900, runnerFor } from './digest-support.js';

const PERIOD = '2026-W47';

describeEachDatabase('the digest with the language model (fake OpenAI)', (getDb) => {
  let openai: FakeOpenAi;
  const sent: Array<{ id: string; reply: Reply }> = [];
  const sendDirect: SendDirect = async (to, reply) => {
    sent.push({ id: to.externalUserId, reply });
    return 'sent';
  };

  beforeAll(async () => {
    openai = await new FakeOpenAi().start();
  });
  afterAll(async () => {
    await openai?.close();
  });

  async function runWith(reply: FakeOpenAiReply) {
    const db = getDb().db;
    const id = `model-${Math.random()}`;
    const userId = await digestUser(db, { discord: id, ...activeWeek() });
    const clock = fixedClock(MONDAY_0900);
    const ai = createAiClient({
      apiKey: 'sk-test',
      baseURL: openai.baseURL,
      timeoutMs: 300,
      logger: silentLogger(),
    });
    const insights = createInsightService({ db, clock, logger: silentLogger(), ai });
    openai.reply(reply);
    const { runner } = runnerFor(db, sendDirect, { clock, enrich: insightEnricher(insights) });
    const summary = await runner.runWeek(PERIOD, { userIds: [userId] });
    const stored = await queryRows<{ music_dna: string }>(
      db,
      sql`SELECT music_dna FROM personality_insights WHERE user_id = ${userId}`,
    );
    const message = sent.filter((s) => s.id === id).map((s) => renderPlainText(s.reply));
    return { summary, stored, message, delivery: await findDigestDelivery(db, userId, PERIOD) };
  }

  it('GIVEN the model answers THEN its music DNA is in the digest and stored once', async () => {
    const musicDna = 'Your week swung from hushed piano to bright, driving pop.';
    const r = await runWith({
      kind: 'ok',
      answer: { musicDna, suggestion: 'Keep one calm song for Sunday.' },
    });
    expect(r.summary.sent).toBe(1);
    expect(r.message[0]).toContain(musicDna);
    expect(r.stored.map((s) => s.music_dna)).toEqual([musicDna]);
  });

  for (const [what, reply] of [
    ['a 429', { kind: 'rate-limit', retryAfter: '20' }],
    ['malformed JSON', { kind: 'malformed', content: '{"musicDna": "unfinished' }],
    ['a timeout', { kind: 'hang' }],
    ['a 500', { kind: 'server-error', status: 500 }],
  ] as const) {
    it(`GIVEN the model fails with ${what} THEN the local insight goes out and the week is sent, once`, async () => {
      const r = await runWith(reply);
      expect(r.summary).toMatchObject({ sent: 1, failed: 0 });
      expect(r.delivery?.status).toBe('sent');
      expect(r.message).toHaveLength(1);
      expect(r.message[0]).toContain('Your music DNA: ');
      expect(r.stored).toHaveLength(1);
    });
  }
});
