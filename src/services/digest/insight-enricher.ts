import { weekSpan } from '../../core/calendar/index.js';
import type { InsightService } from '../insights/insight-service.js';
import type { DigestEnricher } from './digest-messages.js';

/**
 * The digest's model enrichment through the insight service: it generates (and stores) the week's
 * insight, with the model when one is configured and the user's consent rules for notes, and the digest
 * shows its music DNA and suggestion. Any failure leaves the digest its local insight.
 */
export function insightEnricher(insights: Pick<InsightService, 'generate'>): DigestEnricher {
  return {
    async insight(digest, { timeZone }) {
      const week = weekSpan(digest.period, timeZone);
      const generated = await insights.generate({
        userId: digest.userId,
        from: week.start,
        to: week.end,
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
