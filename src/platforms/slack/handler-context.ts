import type { RespondArguments } from '@slack/bolt';
import type { Reply } from '../../core/commands/index.js';
import type { Logger } from '../../core/logger.js';
import type { Invocation } from '../dispatcher.js';
import type { DeliveryRunner } from '../inbox/delivery-runner.js';
import type { Arrival } from './arrivals.js';
import type { createProfileLookup } from './profiles.js';
import type { SlackMessage } from './render.js';
import type { WebClient } from './slack-api.js';
import type { SlackDelivery } from './slack-deliveries.js';

export const RESTARTING = 'MoodScale is restarting. Nothing was saved; please send that again in a minute.';
export const NOT_SAVED =
  ':warning: MoodScale could not save that: its database did not answer. Nothing was saved; please send it again in a minute.';

/** Where a reply goes and how: the ephemeral/in-channel response, and the channel and DM for files. */
export interface Target {
  respond: (message: RespondArguments) => Promise<unknown>;
  userId: string;
  channelId: string | undefined;
  replaceOriginal: boolean;
}

/** users.info for new users' profiles and admin checks (profiles.ts). */
export type SlackProfiles = ReturnType<typeof createProfileLookup>;

/** What recording a delivery in the inbox came to (see DeliveryRunner.record). */
export type Recorded = 'new' | 'duplicate' | 'unsaved';

/**
 * What the handlers of deliveries (slash commands, buttons, channel messages) share, built once per
 * adapter by createSlackAdapter. Each handler declares the part it needs (a Pick of this), so it can be
 * tested with just that.
 */
export interface SlackHandlerContext {
  log: Logger;
  api: WebClient;
  /** Where every delivery is recorded before it is acknowledged, and run from. */
  inbox: DeliveryRunner;
  profiles: SlackProfiles;
  /** The time for button expiry. */
  now: () => Date;
  /** A reply as a Slack message, naming commands the way this workspace types them. */
  render: (reply: Reply, filesNote?: string) => SlackMessage;
  /** True once stop() has begun: new deliveries are turned away. */
  isStopping: () => boolean;
  /** The invocation a recorded delivery stands for (delivery-records.ts). */
  invocationOf: (delivery: SlackDelivery) => Invocation;
  /** Records a delivery in the inbox within what is left of its deadline (delivery-records.ts). */
  record: (deliveryKey: string, delivery: SlackDelivery, arrival: Arrival) => Promise<Recorded>;
  /** Hands an acknowledgement to Bolt and reports its time (arrivals.ts). */
  acknowledge: (sending: Promise<void>, arrival: Arrival) => Promise<void>;
  /** Runs a dispatch in a slot of the limiter, counted as in hand. */
  runCounted: <T>(task: () => Promise<T>) => Promise<T>;
  /** Starts the work of an acknowledged delivery; the listener returns without waiting for it. */
  enqueue: (task: () => Promise<void>) => void;
  /** Uploads a reply's files and answers through `target`; false when the answer was refused (answers.ts). */
  deliver: (reply: Reply, target: Target) => Promise<boolean>;
}

/** What answering in a thread needs. */
/** What the button, select and form handlers need. */
export type InteractionContext = Pick<
  SlackHandlerContext,
  | 'log'
  | 'api'
  | 'inbox'
  | 'now'
  | 'isStopping'
  | 'invocationOf'
  | 'record'
  | 'acknowledge'
  | 'runCounted'
  | 'enqueue'
  | 'deliver'
>;

export type ThreadContext = Pick<SlackHandlerContext, 'log' | 'api' | 'render'>;

/** What the channel-message handler needs. */
export type MessageContext = ThreadContext &
  Pick<
    SlackHandlerContext,
    'inbox' | 'profiles' | 'isStopping' | 'invocationOf' | 'record' | 'runCounted' | 'enqueue'
  >;
