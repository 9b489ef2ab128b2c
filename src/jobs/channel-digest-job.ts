import type { Logger } from '../core/logger.js';
import type { ChannelDigestRunSummary } from '../services/channel-digest/run-channel-digests.js';

export interface ChannelDigestJobDeps {
  /** The runner's run (createChannelDigestRunner): posts the week that is due at `now`. */
  run(now: Date): Promise<ChannelDigestRunSummary>;
  logger: Logger;
  /** Hourly by default, at minute 7 (beside the personal digest, off the top of the hour). */
  cron?: string;
}

/** The weekly channel post as a scheduler job: every hour it posts whatever is due and not yet posted. */
export function createChannelDigestJob(deps: ChannelDigestJobDeps): {
  name: string;
  cron: string;
  run(now: Date): Promise<void>;
} {
  return {
    name: 'channel-digest',
    cron: deps.cron ?? '7 * * * *',
    async run(now) {
      const summary = await deps.run(now);
      deps.logger.debug({ ...summary, job: 'channel-digest' }, 'channel digest job ran');
    },
  };
}
