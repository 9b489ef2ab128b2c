import { createHash } from 'node:crypto';
import { createRegistry } from '../../commands/index.js';
import type { Config } from '../config.js';
import type { Clock } from '../core/clock.js';
import type { CommandRegistry } from '../core/commands/index.js';
import type { Logger } from '../core/logger.js';
import type { FieldCipher } from '../crypto/field-cipher.js';
import type { Db } from '../db/database.js';
import type { Metrics } from '../ops/metrics.js';
import { createChartRenderer } from '../services/charts/index.js';
import { createServices, type Services } from '../services/services.js';

export interface AppServices {
  /** Every command of commands/index.ts. */
  registry: CommandRegistry<Services>;
  services: Services;
}

/**
 * The build step for what the commands run on: the command registry and the services over the migrated
 * database. The services are made before the alerter (which needs the platforms): what they report goes
 * to `raiseAlert`, which passes it on once the alerter exists.
 */
export function createAppServices(deps: {
  config: Config;
  logger: Logger;
  clock: Clock;
  cipher: FieldCipher;
  /** The encryption key's material: the services' secret (Spotify OAuth state, link and confirmation codes) is derived from it. */
  keyMaterial: string;
  db: Db;
  metrics: Metrics;
  raiseAlert: (key: string, message: string) => void;
}): AppServices {
  const { config, metrics } = deps;
  const registry = createRegistry();
  const services = createServices({
    db: deps.db,
    cipher: deps.cipher,
    clock: deps.clock,
    logger: deps.logger,
    config,
    secret: createHash('sha256').update(deps.keyMaterial).digest('hex'),
    music: { music: config.music, ai: config.ai, onModelCall: (call) => metrics.modelCall(call) },
    catalog: { commands: () => registry.all() },
    // The one renderer of the process: the commands' pictures and the weekly digest's chart.
    charts: createChartRenderer(),
    auditObserver: {
      held: (count) => metrics.audit.held(count),
      dropped: (count, total) => {
        metrics.audit.dropped(count);
        deps.raiseAlert(
          'audit-dropped',
          `The database has been unavailable long enough that ${total} audit entries were dropped (the oldest first).`,
        );
      },
    },
  });
  return { registry, services };
}
