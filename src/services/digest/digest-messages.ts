import type { Reply } from '../../core/commands/index.js';
import type { Logger } from '../../core/logger.js';
import { withTimeout } from '../../core/within.js';
import type { ChartRenderer } from '../charts/index.js';
import type { DigestData } from './build-digest.js';
import { chartFileName, renderDigest } from './render-digest.js';

/**
 * Optional model enrichment of a digest that is about to be sent (services.insights). A throw, a timeout
 * or undefined keeps the local insight: the digest always goes out.
 */
export interface DigestEnricher {
  insight?(digest: DigestData, context: { timeZone: string }): Promise<EnrichedInsight | undefined>;
}

export interface EnrichedInsight {
  musicDna?: string | undefined;
  suggestion?: string | undefined;
  /** True when the enricher stored the week's insight itself, so the digest stores no second one. */
  stored?: boolean;
}

export interface DigestMessageDeps {
  log: Logger;
  /** Renders the chart; without it the digest goes out as text only. */
  chart?: ChartRenderer | undefined;
  enrich?: DigestEnricher | undefined;
  enrichTimeoutMs: number;
}

/** A computed digest made ready to send. */
export interface DigestMessage {
  /** The digest with the model's insight when the enricher gave one. */
  digest: DigestData;
  /** The rendered reply, with the chart attached when it could be drawn. */
  message: Reply;
  /** True when the enricher stored the week's insight itself. */
  insightStored: boolean;
}

export type ComposeDigestMessage = (digest: DigestData, timeZone: string) => Promise<DigestMessage>;

/** Turns a computed digest into its message: the model's insight (if any), the text, the chart. */
export function digestMessageComposer(deps: DigestMessageDeps): ComposeDigestMessage {
  return async (computed, timeZone) => {
    const { digest, stored } = await enriched(deps, computed, timeZone);
    const message = await withChart(deps, digest, renderDigest(digest));
    return { digest, message, insightStored: stored };
  };
}

/** The digest with the model's insight when an enricher gives one, and whether it stored it itself. */
async function enriched(
  deps: DigestMessageDeps,
  digest: DigestData,
  timeZone: string,
): Promise<{ digest: DigestData; stored: boolean }> {
  const insight = digest.insight;
  if (!deps.enrich?.insight || !insight) return { digest, stored: false };
  try {
    const better = await withTimeout(deps.enrich.insight(digest, { timeZone }), deps.enrichTimeoutMs, () => {
      throw new Error(`timed out after ${deps.enrichTimeoutMs} ms`);
    });
    if (!better) return { digest, stored: false };
    return {
      digest: {
        ...digest,
        insight: {
          ...insight,
          musicDna: better.musicDna?.trim() || insight.musicDna,
          suggestion: better.suggestion?.trim() || insight.suggestion,
        },
      },
      stored: better.stored === true,
    };
  } catch (error) {
    deps.log.warn(
      { err: error, userId: digest.userId },
      'model insight failed; the digest uses the local one',
    );
    return { digest, stored: false };
  }
}

async function withChart(deps: DigestMessageDeps, digest: DigestData, reply: Reply): Promise<Reply> {
  if (!deps.chart || digest.kind !== 'digest') return reply;
  try {
    const png = await deps.chart.render(digest.period, digest.days);
    return { ...reply, files: [{ name: chartFileName(digest), contentType: 'image/png', data: png }] };
  } catch (error) {
    deps.log.warn({ err: error, userId: digest.userId }, 'digest chart failed; sending the text alone');
    return reply;
  }
}
