import type { Config } from '../config.js';
import type { CommandRegistry } from '../core/commands/index.js';
import type { Logger } from '../core/logger.js';
import type { FieldCipher } from '../crypto/field-cipher.js';
import type { Db } from '../db/database.js';
import type { Metrics } from '../ops/metrics.js';
import { createDispatcher, type Dispatcher } from '../platforms/dispatcher.js';
import { createInbox, type DeliveryRunner } from '../platforms/inbox/delivery-runner.js';
import type { InboxStore } from '../services/inbox/inbox-store.js';
import type { Services } from '../services/services.js';

export interface CommandPath {
  dispatcher: Dispatcher;
  /** The durable inbox every chat delivery passes through, on its way to the dispatcher. */
  inbox: DeliveryRunner;
  /** Where the inbox keeps its deliveries (its backlog feeds the operations checks). */
  inboxStore: InboxStore;
}

/** The build step for the path a command takes: the durable inbox, then the dispatcher to the commands. */
export function createCommandPath(deps: {
  config: Config;
  logger: Logger;
  cipher: FieldCipher;
  db: Db;
  registry: CommandRegistry<Services>;
  services: Services;
  metrics: Metrics;
}): CommandPath {
  const { config, metrics } = deps;
  const dispatcher = createDispatcher(deps.registry, deps.services, { observer: metrics });
  const { store: inboxStore, runner: inbox } = createInbox({
    db: deps.db,
    cipher: deps.cipher,
    logger: deps.logger,
    leaseMs: config.inbox.leaseSeconds * 1000,
    retentionMs: config.inbox.retentionHours * 3_600_000,
    dispatcher,
    observer: metrics.inbox,
  });
  return { dispatcher, inbox, inboxStore };
}
