import { randomBytes, randomUUID } from 'node:crypto';
import type { AuditOutcome } from '../core/audit.js';
import {
  type AnyCommand,
  type CommandChannel,
  type CommandRegistry,
  type FileResolver,
  hasFileOption,
  type Platform,
  parseCommandText,
  parseStructuredOptions,
  type Reply,
  reply,
} from '../core/commands/index.js';
import { isUserError } from '../core/errors.js';
import { accountName, type IdentityKey } from '../core/identity.js';
import { withTimeout } from '../core/within.js';
import type { AccountProfile } from '../services/identity-service.js';
import type { Services } from '../services/services.js';

/** One command as a platform adapter received it, before anything is known about the user. */
export interface Invocation {
  identity: IdentityKey;
  /** Shown name on the platform, stored with the identity. */
  displayName?: string | null;
  /** Time zone for a user created by this invocation (Slack's profile zone). */
  defaultTimeZone?: string;
  /** Asks the platform for the profile of a user this invocation creates (see ResolveOptions). */
  lookupProfile?: () => Promise<AccountProfile>;
  command: string;
  /**
   * Typed text ('6 tired -- long day'), or values a platform delivered already typed (Discord, whose
   * attachments arrive as IncomingFile values).
   */
  input: { text: string } | { values: Readonly<Record<string, unknown>> };
  /**
   * Where the file options of typed text get their files (see FileResolver): the console's paths, the
   * file the user shared in the Slack DM. Asked only for a command that declares a file option, after
   * the rate limit, so a Slack lookup is made only when it is used. Without it a file option is absent.
   */
  files?: () => Promise<FileResolver>;
  invocationId?: string;
  /** The inbox row it was recorded in before it was acknowledged (see the inbox service). */
  deliveryKey?: string;
  /** The channel it came from; absent in direct messages and the console. */
  channel?: CommandChannel;
}

export interface Outcome {
  reply: Reply;
  outcome: AuditOutcome;
  command: AnyCommand<Services> | undefined;
  userId: number | null;
}

export interface Dispatcher {
  dispatch(invocation: Invocation): Promise<Outcome>;
  /**
   * Starts resolving the invocation's account before it is dispatched, so that a new user's creation
   * overlaps the inbox write instead of following it; the dispatch then finds the account resolved or
   * on its way. Never throws.
   */
  prepare?(invocation: Invocation): void;
  registry: CommandRegistry<Services>;
  /**
   * Shutdown: from now on every command is answered "restarting, try again"; resolves true when the
   * commands in flight have finished, false at the deadline.
   */
  drain?(timeoutMs: number): Promise<boolean>;
  /** Commands being worked on now. */
  readonly inFlight?: number;
}

/** Told about every command once it has its answer (metrics). */
export interface DispatchObserver {
  commandHandled(observation: {
    command: string;
    platform: Platform;
    outcome: AuditOutcome;
    durationMs: number;
  }): void;
}

export interface DispatcherOptions {
  observer?: DispatchObserver;
}

const RESTARTING_TEXT = 'MoodScale is restarting. Nothing was saved; please try again in a moment.';

const REF_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/** A short id a user can quote; the log line with the whole error carries it too. */
export function errorReference(): string {
  return Array.from(randomBytes(4), (b) => REF_ALPHABET[b % REF_ALPHABET.length]).join('');
}

/**
 * The one path every command takes, whatever the platform: find the command, resolve the user, apply
 * the rate limit, parse the options, run, audit. A UserError becomes a private answer saying what to
 * fix; anything else is logged with a reference the user sees. It never throws.
 */
export function createDispatcher(
  registry: CommandRegistry<Services>,
  services: Services,
  options: DispatcherOptions = {},
): Dispatcher {
  const log = services.logger.child({ component: 'dispatcher' });
  const running = new Set<Promise<Outcome>>();
  let draining = false;

  function resolveUser(invocation: Invocation) {
    return services.identities.resolve(invocation.identity, {
      displayName: invocation.displayName ?? null,
      ...(invocation.defaultTimeZone ? { defaultTimeZone: invocation.defaultTimeZone } : {}),
      ...(invocation.lookupProfile ? { lookupProfile: invocation.lookupProfile } : {}),
    });
  }

  function prepare(invocation: Invocation): void {
    if (draining || !registry.get(invocation.command)) return;
    // Not lost on failure: a dispatch in the meantime shares this resolution and answers its error, a
    // later one resolves again.
    void resolveUser(invocation).catch(() => undefined);
  }

  function dispatch(invocation: Invocation): Promise<Outcome> {
    if (draining) {
      return Promise.resolve({
        reply: reply.error(RESTARTING_TEXT),
        outcome: 'error',
        command: registry.get(invocation.command),
        userId: null,
      });
    }
    const task = run(invocation);
    running.add(task);
    void task.finally(() => running.delete(task));
    return task;
  }

  async function drain(timeoutMs: number): Promise<boolean> {
    draining = true;
    if (running.size === 0) return true;
    const all = Promise.allSettled([...running]).then(() => true);
    return withTimeout(all, timeoutMs, () => false);
  }

  async function run(invocation: Invocation): Promise<Outcome> {
    const platform: Platform = invocation.identity.platform;
    const invocationId = invocation.invocationId ?? randomUUID();
    const command = registry.get(invocation.command);
    let userId: number | null = null;
    let outcome: AuditOutcome = 'ok';
    let ref: string | undefined;
    let answer: Reply;
    const started = performance.now();
    try {
      if (!command) {
        outcome = 'user_error';
        return {
          reply: reply.error(
            `There is no /${invocation.command.slice(0, 40)} command. Type /help to see what I can do.`,
          ),
          outcome,
          command,
          userId,
        };
      }
      const user = await resolveUser(invocation);
      userId = user.id;
      if (invocation.channel) await services.channelDigest.noteMember(user.id, platform, invocation.channel);
      const limit = await services.rateLimiter.consume(`user:${user.id}`);
      if (!limit.allowed) {
        outcome = 'rate_limited';
        const seconds = Math.max(1, Math.ceil(limit.retryAfterMs / 1000));
        answer = reply.error(
          `You're sending commands faster than I can take them. Try again in ${seconds} s.`,
        );
        return { reply: answer, outcome, command, userId };
      }
      let options: ReturnType<typeof parseCommandText>;
      if ('text' in invocation.input) {
        const files = invocation.files && hasFileOption(command) ? await invocation.files() : undefined;
        options = parseCommandText(command, invocation.input.text, files);
      } else {
        options = parseStructuredOptions(command, invocation.input.values);
      }
      answer = await command.run(
        {
          user: { ...user, accountName: accountName(invocation.identity) },
          options,
          platform,
          now: services.clock.now(),
          invocationId,
          deliveryKey: invocation.deliveryKey,
          channel: invocation.channel,
        },
        services,
      );
      if (user.dmBlocked) answer = await withDmNotice(answer, user.id);
      return { reply: answer, outcome, command, userId };
    } catch (error) {
      if (isUserError(error)) {
        outcome = 'user_error';
        return { reply: reply.error(error.message), outcome, command, userId };
      }
      outcome = 'error';
      ref = errorReference();
      log.error(
        { err: error, ref, command: invocation.command, platform, userId, invocationId },
        'command failed',
      );
      return {
        reply: reply.error(
          `Something went wrong on my side (ref ${ref}). Nothing you did caused it; please try again in a moment.`,
        ),
        outcome,
        command,
        userId,
      };
    } finally {
      const durationMs = Math.round((performance.now() - started) * 10) / 10;
      services.audit.record({
        userId,
        platform,
        action: command?.name ?? 'unknown-command',
        outcome,
        // Failures keep their timing and the reference that ties them to their log line. Successes keep
        // nothing more: every command writes this row, and metrics carry latency (see Operations).
        ...(outcome === 'ok' ? {} : { details: ref ? { durationMs, ref } : { durationMs } }),
      });
      options.observer?.commandHandled({
        command: command?.name ?? 'unknown',
        platform,
        outcome,
        durationMs: performance.now() - started,
      });
      if (log.isLevelEnabled('debug')) {
        log.debug({ command: invocation.command, platform, userId, outcome, durationMs }, 'command handled');
      }
    }
  }

  /** Tells the user once that a direct message (a digest) could not reach them, and how to fix it. */
  async function withDmNotice(answer: Reply, userId: number): Promise<Reply> {
    await services.settings.update(userId, { dmBlockedAt: null });
    return {
      ...answer,
      fields: [
        ...(answer.fields ?? []),
        {
          name: 'I could not send you a direct message',
          value:
            'Your privacy settings refused it, so a weekly digest or check-in did not arrive. On Discord, allow direct ' +
            'messages from server members (Privacy Settings); on Slack, open the app’s Messages tab once.',
        },
      ],
    };
  }

  return {
    dispatch,
    prepare,
    registry,
    drain,
    get inFlight() {
      return running.size;
    },
  };
}
