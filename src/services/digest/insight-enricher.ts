import type { InsightService } from '../insights/insight-service.js';
import type { DigestEnricher } from './digest-runner.js';
import { addDays, mondayOf, startOfLocalDay } from './iso-week.js';

/**
 * The digest's model enrichment through the insight service: it generates (and stores) the week's
 * insight, with the model when one is configured and the user's consent rules for notes, and the digest
 * shows its music DNA and suggestion. Any failure leaves the digest its local insight.
 */
export function insightEnricher(insights: Pick<InsightService, 'generate'>): DigestEnricher {
  return {
    async insight(digest, { timeZone }) {
      const monday = mondayOf(digest.period);
      const generated = await insights.generate({
        userId: digest.userId,
        from: startOfLocalDay(monday, timeZone),
        to: startOfLocalDay(addDays(monday, 7), timeZone),
        timeZone,
      });
      return {
        musicDna: generated.insight.musicDna ?? undefined,
        suggestion: generated.insight.aiSuggestion ?? undefined,
        stored: true,
      };
    },
  };
}
