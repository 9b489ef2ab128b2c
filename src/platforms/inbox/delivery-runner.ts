import type { CommandRegistry, Reply } from '../../core/commands/index.js';
import { isIncomingFile, reply as replies } from '../../core/commands/index.js';
import type { Logger } from '../../core/logger.js';
import { withTimeout } from '../../core/within.js';
import {
  createInboxStore,
  type InboxDelivery,
  type InboxStore,
  type InboxStoreOptions,
  type ResumedDelivery,
} from '../../services/inbox/inbox-store.js';
import type { Services } from '../../services/services.js';
import type { Dispatcher, Invocation, Outcome } from '../dispatcher.js';

/** What a platform gives the inbox so that a delivery recorded by a dead instance can be finished. */
export interface InboxSurface {
  readonly platform: 'discord' | 'slack';
  /** The invocation a recorded payload stands for; undefined when the payload is not this platform's. */
  invocationOf(payload: unknown): Invocation | undefined;
  /** How long after receipt an answer still reaches the user where they asked (else a DM). */
  readonly answerWindowMs: number;
  /** Answers a resumed delivery: in place within the answer window, else by direct message. */
  answerLate(payload: unknown, reply: Reply, receivedAt: Date): Promise<'answered' | 'failed'>;
  /**
   * Whether the user was told the delivery arrived, when the platform can say (Discord can: an
   * interaction never acknowledged has no original message). One that was not is dropped, not run:
   * the user saw it fail and may send it again. Undefined: cannot tell, so it is run.
   */
  wasAcknowledged?(payload: unknown, receivedAt: Date): Promise<boolean | undefined>;
}

/** Told what the inbox does (metrics). */
export interface InboxObserver {
  duplicate(platform: string): void;
  resumed(platform: string, result: 'answered' | 'failed' | 'dropped'): void;
  unsaved(platform: string): void;
}

export interface DeliveryRunner {
  /**
   * Records a delivery before it is acknowledged. 'unsaved' when the database did not take it within
   * `deadlineMs`: the caller answers that nothing was saved. A late success is then dropped, so that
   * what the user was told stays true.
   */
  record(delivery: InboxDelivery, deadlineMs: number): Promise<'new' | 'duplicate' | 'unsaved'>;
  /**
   * Resolves the delivery's account while it is being recorded (see Dispatcher.prepare); only what may
   * run anyway is done early (finding or creating the account), never the command's effect.
   */
  prepare(invocation: Invocation): void;
  /** Runs a recorded delivery's command (its invocation carries the delivery key). */
  run(invocation: Invocation & { deliveryKey: string }): Promise<Outcome>;
  /**
   * The delivery is answered: its payload goes, its key stays against retries. With `answered` false
   * (the answer could not be delivered) it is left instead: once its lease runs out another round
   * answers it, in place or by DM. Never throws.
   */
  finish(deliveryKey: string, answered?: boolean): Promise<void>;
  /** Takes over the deliveries of dead instances once; resolves with how many were handled. */
  resumeOnce(): Promise<number>;
  /** Resumes now and then every `everyMs`, with the platforms that can answer. */
  start(surfaces: readonly InboxSurface[], everyMs: number): void;
  stop(): Promise<void>;
  /**
   * The commands it runs (the dispatcher's), for an adapter that answers by what is declared: Slack's
   * DM answers a shared file with the command that reads one.
   */
  readonly registry?: CommandRegistry<Services>;
}

/** Deliveries taken over per round, and worked on at once. */
const RESUME_BATCH = 50;
const RESUME_CONCURRENCY = 8;
/** A delivery whose run kept killing its instance is given up after this many attempts. */
const MAX_ATTEMPTS = 5;

/**
 * The inbox between the platform adapters and the dispatcher: adapters record a delivery, acknowledge
 * it, run it and finish it; the resume loop finishes what a dead instance left (see README, Operations).
 */
export function createDeliveryRunner(deps: {
  store: InboxStore;
  dispatcher: Dispatcher;
  logger: Logger;
  observer?: InboxObserver;
}): DeliveryRunner {
  const { store, dispatcher } = deps;
  const log = deps.logger.child({ component: 'inbox' });
  let surfaces: readonly InboxSurface[] = [];
  let timer: NodeJS.Timeout | undefined;
  let resuming: Promise<number> | undefined;
  let stopped = false;

  async function record(
    delivery: InboxDelivery,
    deadlineMs: number,
  ): Promise<'new' | 'duplicate' | 'unsaved'> {
    const recording = store.record(delivery);
    try {
      const result = await withTimeout(recording, Math.max(0, deadlineMs), () => 'late' as const);
      if (result === 'late') {
        // The user hears "not saved": should the write still land, it must not be run later.
        void recording.then(
          (r) => (r === 'new' ? store.finish(delivery.deliveryKey, 'dropped') : undefined),
          () => undefined,
        );
        log.warn({ deliveryKey: delivery.deliveryKey, deadlineMs }, 'the inbox write missed its deadline');
        deps.observer?.unsaved(delivery.identity.platform);
        return 'unsaved';
      }
      if (result === 'duplicate') deps.observer?.duplicate(delivery.identity.platform);
      return result;
    } catch (error) {
      log.warn({ err: error, deliveryKey: delivery.deliveryKey }, 'the inbox write failed; the user is told');
      deps.observer?.unsaved(delivery.identity.platform);
      return 'unsaved';
    }
  }

  async function run(invocation: Invocation & { deliveryKey: string }): Promise<Outcome> {
    const outcome = await dispatcher.dispatch(invocation);
    const command = outcome.command;
    if (outcome.outcome === 'ok' && command && !command.readOnly && !command.appliesOncePerDelivery) {
      // Before the answer goes out, so that a crash after it does not run the command again.
      await store.applied(invocation.deliveryKey).catch((error: unknown) => {
        log.warn({ err: error, deliveryKey: invocation.deliveryKey }, 'could not mark a delivery applied');
      });
    }
    return outcome;
  }

  async function finish(deliveryKey: string, answered = true): Promise<void> {
    if (!answered) {
      log.warn({ deliveryKey }, 'an answer could not be delivered; the delivery is left to be resumed');
      store.release(deliveryKey);
      return;
    }
    await store.finish(deliveryKey).catch((error: unknown) => {
      // Its lease runs out and another round answers it again; its effect is not applied twice.
      log.warn({ err: error, deliveryKey }, 'could not mark a delivery done');
    });
  }

  /** Finishes one delivery a dead instance left: answers it, or drops it when nobody would see it. */
  async function resumeOne(delivery: ResumedDelivery): Promise<void> {
    const surface = surfaces.find((s) => s.platform === delivery.platform);
    const invocation = surface?.invocationOf(delivery.payload);
    const where = {
      deliveryKey: delivery.deliveryKey,
      command: delivery.command,
      attempts: delivery.attempts,
    };
    if (!surface || !invocation) {
      log.error(where, 'a resumed delivery cannot be read (its payload or key is gone); dropped');
      await store.finish(delivery.deliveryKey, 'dropped');
      deps.observer?.resumed(delivery.platform, 'dropped');
      return;
    }
    const asked = describeInvocation(invocation, delivery.receivedAt);
    const command = dispatcher.registry.get(invocation.command);
    const pastWindow = Date.now() - delivery.receivedAt.getTime() > surface.answerWindowMs;
    let answer: Reply;
    if (delivery.appliedAt) {
      answer = replies.private({
        title: 'Done',
        text: `Your ${asked} ${invocation.command === 'mood' ? 'is saved' : 'went through'}. MoodScale restarted before it could answer you.`,
        color: 'success',
      });
    } else if (delivery.attempts > MAX_ATTEMPTS) {
      log.error(where, 'a delivery failed on every attempt; given up');
      answer = replies.error(`I could not finish your ${asked}, so nothing was done. Please try again.`);
    } else if (pastWindow && command?.readOnly) {
      log.info(where, 'a read-only command resumed past its answer window; dropped');
      await store.finish(delivery.deliveryKey, 'dropped');
      deps.observer?.resumed(delivery.platform, 'dropped');
      return;
    } else if ((await surface.wasAcknowledged?.(delivery.payload, delivery.receivedAt)) === false) {
      log.info(where, 'a delivery its instance never acknowledged (the user saw it fail); dropped, not run');
      await store.finish(delivery.deliveryKey, 'dropped');
      deps.observer?.resumed(delivery.platform, 'dropped');
      return;
    } else {
      const outcome = await run({ ...invocation, deliveryKey: delivery.deliveryKey });
      answer = withDelayNote(outcome.reply, asked);
    }
    const result = await surface
      .answerLate(delivery.payload, answer, delivery.receivedAt)
      .catch((error: unknown) => {
        log.warn({ ...where, err: error }, 'could not answer a resumed delivery');
        return 'failed' as const;
      });
    log.info({ ...where, result }, 'resumed a delivery left by an instance that stopped');
    deps.observer?.resumed(delivery.platform, result);
    if (result === 'failed' && delivery.attempts <= MAX_ATTEMPTS) {
      // Not answered (the platform is down, a DM refused): its lease runs out and a later round tries again.
      store.release(delivery.deliveryKey);
      return;
    }
    await finish(delivery.deliveryKey);
  }

  async function resumeOnce(): Promise<number> {
    let handled = 0;
    const platforms = surfaces.map((s) => s.platform);
    for (let round = 0; round < 100 && !stopped; round++) {
      const claimed = await store.takeOver(RESUME_BATCH, platforms);
      if (claimed.length === 0) break;
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(RESUME_CONCURRENCY, claimed.length) }, async () => {
          while (next < claimed.length) {
            const delivery = claimed[next++]!;
            await resumeOne(delivery).catch((error: unknown) => {
              log.error({ err: error, deliveryKey: delivery.deliveryKey }, 'resuming a delivery failed');
            });
          }
        }),
      );
      handled += claimed.length;
      if (claimed.length < RESUME_BATCH) break;
    }
    return handled;
  }

  function tick(): void {
    resuming ??= resumeOnce()
      .catch((error: unknown) => {
        log.warn({ err: error }, 'could not look for deliveries to resume');
        return 0;
      })
      .finally(() => {
        resuming = undefined;
      });
  }

  return {
    registry: dispatcher.registry,
    record,
    prepare: (invocation) => dispatcher.prepare?.(invocation),
    run,
    finish,
    resumeOnce,
    start(platformSurfaces, everyMs) {
      surfaces = platformSurfaces;
      store.start();
      tick();
      timer = setInterval(tick, everyMs);
      timer.unref();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await resuming;
      await store.stop();
    },
  };
}

/** The inbox as the app builds it: the store on the database, and the runner over the dispatcher. */
export function createInbox(
  options: InboxStoreOptions & { dispatcher: Dispatcher; observer?: InboxObserver },
): { store: InboxStore; runner: DeliveryRunner } {
  const { dispatcher, observer, ...storeOptions } = options;
  const store = createInboxStore(storeOptions);
  const runner = createDeliveryRunner({
    store,
    dispatcher,
    logger: options.logger,
    ...(observer ? { observer } : {}),
  });
  return { store, runner };
}

/** `/mood 6 tired` from 10:02 UTC: the command as the user typed it, and when. */
export function describeInvocation(invocation: Invocation, receivedAt: Date): string {
  const args =
    'text' in invocation.input
      ? invocation.input.text
      : Object.values(invocation.input.values)
          .map((v) => (isIncomingFile(v) ? v.name : String(v)))
          .join(' ');
  const line = `/${invocation.command}${args.trim() ? ` ${args.trim()}` : ''}`;
  const shown = line.length > 60 ? `${line.slice(0, 59)}…` : line;
  const time = receivedAt.toISOString().slice(11, 16);
  return `\`${shown}\` from ${time} UTC`;
}

/** The answer, with a line saying it is late and why. */
function withDelayNote(answer: Reply, asked: string): Reply {
  const note = `(Answer to your ${asked}: MoodScale restarted before it could answer.)`;
  return { ...answer, text: answer.text ? `${answer.text}\n${note}` : note };
}
