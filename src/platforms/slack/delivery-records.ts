import type { CommandChannel, FileResolver } from '../../core/commands/index.js';
import type { Invocation } from '../dispatcher.js';
import type { DeliveryRunner } from '../inbox/delivery-runner.js';
import type { Arrival } from './arrivals.js';
import { commandNameOf } from './command-names.js';
import type { Recorded, SlackProfiles } from './handler-context.js';
import { decodeSlackEntities } from './render.js';
import type { SlackDelivery } from './slack-deliveries.js';

/** From its arrival, how long a delivery may wait for the inbox before the user is told it was not saved. */
const RECORD_DEADLINE_MS = 2000;

/**
 * The channel a command came from: C… (public) or G… (private, group); a D… direct message is none.
 * Whether the user is an admin is asked of Slack only when a command wants to know.
 */
function channelOf(
  profiles: Pick<SlackProfiles, 'isAdmin'>,
  workspaceId: string,
  channelId: string | undefined,
  userId: string,
): CommandChannel | undefined {
  if (!channelId || channelId.startsWith('D')) return undefined;
  return { workspaceId, channelId, isAdmin: () => profiles.isAdmin(userId) };
}

/**
 * The invocation a recorded delivery stands for; `channel` is asked of Slack only when needed, and so
 * is the file a file option takes (see shared-files.ts), found from the delivery's arrival.
 */
export function createInvocationOf(deps: {
  profiles: Pick<SlackProfiles, 'isAdmin'>;
  /** SLACK_COMMAND_PREFIX, taken off the slash command's name. */
  commandPrefix: string;
  /** The files of a user's command: what they shared in the DM with the bot before `receivedAt`. */
  sharedFiles?: (userId: string, receivedAt: number) => Promise<FileResolver>;
}): (delivery: SlackDelivery) => Invocation {
  const { profiles, commandPrefix, sharedFiles } = deps;
  const filesOf = (userId: string, receivedAt: number) =>
    sharedFiles ? { files: () => sharedFiles(userId, receivedAt) } : {};
  return (delivery) => {
    if (delivery.kind === 'command') {
      const { command } = delivery;
      return {
        ...filesOf(command.user_id, delivery.receivedAt),
        identity: { platform: 'slack', workspaceId: command.team_id, externalUserId: command.user_id },
        displayName: delivery.displayName,
        ...(delivery.timeZone ? { defaultTimeZone: delivery.timeZone } : {}),
        command: commandNameOf(command.command, commandPrefix),
        input: { text: decodeSlackEntities(command.text) },
        invocationId: `slack:${command.trigger_id}`,
        channel: channelOf(profiles, command.team_id, command.channel_id, command.user_id),
      };
    }
    if (delivery.kind === 'button' || delivery.kind === 'form') {
      return {
        ...filesOf(delivery.userId, delivery.receivedAt),
        identity: { platform: 'slack', workspaceId: delivery.workspaceId, externalUserId: delivery.userId },
        displayName: delivery.displayName,
        command: delivery.command,
        input: { text: delivery.args },
        invocationId: `slack:${delivery.triggerId}`,
        channel: channelOf(profiles, delivery.workspaceId, delivery.channelId, delivery.userId),
      };
    }
    if (delivery.kind === 'direct') {
      // A DM is no channel.
      return {
        identity: { platform: 'slack', workspaceId: delivery.workspaceId, externalUserId: delivery.userId },
        displayName: null,
        command: 'mood',
        input: { text: delivery.text },
        invocationId: `slack-direct:${delivery.workspaceId}:${delivery.channelId}:${delivery.messageId}`,
      };
    }
    return {
      identity: { platform: 'slack', workspaceId: delivery.workspaceId, externalUserId: delivery.userId },
      displayName: null,
      command: 'share',
      input: { values: { url: delivery.url } },
      invocationId: `slack-message:${delivery.workspaceId}:${delivery.channelId}:${delivery.threadTs}`,
      channel:
        delivery.channelType === 'im'
          ? undefined
          : channelOf(profiles, delivery.workspaceId, delivery.channelId, delivery.userId),
    };
  };
}

/**
 * The invocation of a delivery built once, however many steps ask for it (the inbox record, the early
 * account lookup, the run): a command's invocation was built three times, a measurable share of the
 * CPU a slash command costs under a burst. Invocations are never changed after they are built.
 */
export function builtOncePerDelivery<D extends object>(
  invocationOf: (delivery: D) => Invocation,
): (delivery: D) => Invocation {
  const built = new WeakMap<D, Invocation>();
  return (delivery) => {
    let invocation = built.get(delivery);
    if (invocation === undefined) {
      invocation = invocationOf(delivery);
      built.set(delivery, invocation);
    }
    return invocation;
  };
}

/**
 * Records a delivery in the inbox, waiting at most what is left of RECORD_DEADLINE_MS since its
 * arrival; the caller answers the user itself when it cannot be kept (or was kept already).
 */
export async function recordDelivery(
  deps: { inbox: Pick<DeliveryRunner, 'record'>; invocationOf: (delivery: SlackDelivery) => Invocation },
  deliveryKey: string,
  delivery: SlackDelivery,
  arrival: Arrival,
): Promise<Recorded> {
  const invocation = deps.invocationOf(delivery);
  return deps.inbox.record(
    {
      deliveryKey,
      identity: invocation.identity,
      kind: delivery.kind,
      command: invocation.command,
      payload: delivery,
    },
    RECORD_DEADLINE_MS - (performance.now() - arrival.at),
  );
}
