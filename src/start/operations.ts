import type { Config } from '../config.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { Database } from '../db/database.js';
import { type Alerter, createAlerter } from '../ops/alerts.js';
import type { Metrics } from '../ops/metrics.js';
import { createOpsMonitor, type OpsMonitor } from '../ops/monitor.js';
import type { InboxStore } from '../services/inbox/inbox-store.js';
import type { ChatPlatforms } from './chat-platforms.js';

export interface Operations {
  alerter: Alerter;
  /** The periodic checks (database, storage, backup age, inbox backlog), not yet started. */
  ops: OpsMonitor;
}

/**
 * The build step for operations: the alerter, which posts to ALERT_WEBHOOK_URL and to ALERT_CHANNEL on
 * its chat platform (so it is made after the platforms), and the monitor that raises and resolves alerts.
 */
export function createOperations(deps: {
  config: Config;
  logger: Logger;
  clock: Clock;
  metrics: Metrics;
  database: Database;
  /** The chat platforms: ALERT_CHANNEL is posted to on one of them. */
  chat: Pick<ChatPlatforms, 'discord' | 'slack'>;
  /** Its backlog is watched (see OpsMonitorOptions.inboxBacklog). */
  inboxStore: Pick<InboxStore, 'backlog'>;
  /** How often the checks run; the monitor's 60 s when not given. */
  intervalMs: number | undefined;
}): Operations {
  const { config, logger, clock } = deps;
  const alertChannel = config.ops.alertChannel;
  const alertAdapter = alertChannel?.platform === 'discord' ? deps.chat.discord : deps.chat.slack;
  if (alertChannel && !alertAdapter) {
    logger.warn({ platform: alertChannel.platform }, 'ALERT_CHANNEL names a platform that is not configured');
  }
  const alerter = createAlerter({
    webhookUrl: config.ops.alertWebhookUrl,
    sendToChannel:
      alertChannel && alertAdapter
        ? (text) => alertAdapter.postToChannel(alertChannel.channelId, text)
        : undefined,
    logger,
    clock,
  });
  const ops = createOpsMonitor({
    database: deps.database,
    metrics: deps.metrics,
    alerter,
    logger,
    clock,
    storageAlertBytes: config.ops.storageAlertBytes,
    inboxBacklog: () => deps.inboxStore.backlog(),
    backupsEnabled: config.backup.enabled,
    ...(deps.intervalMs ? { intervalMs: deps.intervalMs } : {}),
  });
  return { alerter, ops };
}
