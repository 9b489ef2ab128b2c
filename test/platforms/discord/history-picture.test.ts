import { afterAll, beforeAll, expect, it } from 'vitest';
import { CHART_WIDTH } from '../../../src/services/charts/index.js';
import { hasPngSignature, pngSize } from '../../support/png.js';
import { describeEachDatabase } from '../../support/test-database.js';
import {
  type DiscordHarness,
  EPHEMERAL,
  finalAnswerRequest,
  messageOf,
  messageOfRequest,
  newDiscordUser,
  startDiscord,
  textOfMessage,
} from './discord-harness.js';

describeEachDatabase('Discord /history picture', (getDb) => {
  let h: DiscordHarness;
  beforeAll(async () => {
    h = await startDiscord(getDb().db);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('GIVEN /history 30 THEN the private answer carries the PNG as an attachment and says what it shows', async () => {
    const user = newDiscordUser();
    await h.command('mood', [{ name: 'score', type: 4, value: 7 }], user);

    const ack = await h.command('history', [{ name: 'days', type: 4, value: 30 }], user);
    // Answered at once (4) or, while the chart libraries load, deferred (5) and completed by an edit:
    // private either way, with the picture on the message that completes it.
    const answer = await finalAnswerRequest(h, ack);
    expect([4, 5]).toContain(ack.type);
    expect(messageOf(ack.data).flags).toBe(EPHEMERAL);
    expect(answer.status).toBeLessThan(300);
    expect(answer.files.map((f) => f.name)).toEqual([
      expect.stringMatching(/^moodscale-history-30d-\d{4}-\d{2}-\d{2}\.png$/),
    ]);
    const png = answer.files[0]!.data;
    expect(hasPngSignature(png)).toBe(true);
    expect(pngSize(png).width).toBe(CHART_WIDTH);
    const message = messageOfRequest(answer);
    expect(message.attachments).toHaveLength(1);
    // The alt text rides as the attachment's description, for screen readers.
    const [attachment] = message.attachments as Array<{ description?: string }>;
    expect(attachment?.description).toMatch(/^Line chart/);
    expect(textOfMessage(message)).toContain('Picture: Line chart');
    expect(textOfMessage(message)).toContain('Average');
  });

  it('GIVEN /history 365 THEN the private answer carries the year in pixels as a PNG attachment', async () => {
    const user = newDiscordUser();
    await h.command('mood', [{ name: 'score', type: 4, value: 9 }], user);

    const ack = await h.command('history', [{ name: 'days', type: 4, value: 365 }], user);
    const answer = await finalAnswerRequest(h, ack);
    expect(messageOf(ack.data).flags).toBe(EPHEMERAL);
    expect(answer.files.map((f) => f.name)).toEqual([
      expect.stringMatching(/^moodscale-history-365d-\d{4}-\d{2}-\d{2}\.png$/),
    ]);
    const png = answer.files[0]!.data;
    expect(hasPngSignature(png)).toBe(true);
    expect(pngSize(png).width).toBe(CHART_WIDTH);
    expect(textOfMessage(messageOfRequest(answer))).toContain('Picture: Year in pixels');
  });
});
