import type { AllMiddlewareArgs, RespondArguments, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { Reply } from '../../core/commands/index.js';
import { within } from '../../core/within.js';
import type { Invocation, Outcome } from '../dispatcher.js';
import { type Arrival, acknowledgementSent, arrivalOf } from './arrivals.js';
import { NOT_SAVED, RESTARTING, type SlackHandlerContext, type Target } from './handler-context.js';
import { slashCommandSchema } from './payloads.js';
import { type SlackDelivery, slackDeliveryKey } from './slack-deliveries.js';

export type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;
/** What an acknowledgement of a slash command may carry: the answer itself. */
type AckBody = RespondArguments;
type CommandDelivery = SlackDelivery & { kind: 'command' };

/** An acknowledgement that leaves later than this may reach Slack after its 3 s: the answer goes again. */
const LATE_ACK_MS = 2500;

/**
 * What the slash-command handler needs. `answerWithinMs`: a command that finishes within this long after
 * its arrival is answered in the acknowledgement itself; a slower one through response_url.
 */
export type CommandContext = Pick<
  SlackHandlerContext,
  | 'log'
  | 'inbox'
  | 'profiles'
  | 'render'
  | 'isStopping'
  | 'invocationOf'
  | 'record'
  | 'acknowledge'
  | 'runCounted'
  | 'enqueue'
  | 'deliver'
> & { answerWithinMs: number };

/**
 * Runs a recorded slash command. A user it creates gets their Slack profile (time zone, name) once
 * users.info answers, after the command; nobody waits for it (see the identity service).
 */
function runCommand(ctx: CommandContext, deliveryKey: string, invocation: Invocation): Promise<Outcome> {
  return ctx.runCounted(() => ctx.inbox.run({ ...invocation, deliveryKey }));
}

function commandInvocation(ctx: CommandContext, delivery: CommandDelivery): Invocation {
  const { command } = delivery;
  const lookupProfile = () => ctx.profiles.get(command.team_id, command.user_id);
  return { ...ctx.invocationOf(delivery), lookupProfile };
}

/** A reply as the body of the acknowledgement (no files: those need uploads first). */
export function ackBodyOf(render: SlackHandlerContext['render'], reply: Reply): AckBody {
  const message = render(reply);
  return {
    response_type: reply.visibility === 'public' ? 'in_channel' : 'ephemeral',
    text: message.text,
    blocks: message.blocks,
  };
}

/**
 * A slash command: acknowledged at once (with a refusal when the inbox cannot keep it), recorded, run,
 * and answered in the acknowledgement or through response_url (see answerCommand).
 */
export async function onCommand(ctx: CommandContext, args: CommandArgs): Promise<void> {
  const { ack, body, context } = args;
  const arrival = arrivalOf(context);
  const parsed = slashCommandSchema.safeParse(body);
  if (!parsed.success) {
    await ctx.acknowledge(ack(), arrival);
    ctx.log.warn(
      { issues: parsed.error.issues.map((i) => i.path.join('.')) },
      'Slack slash command payload rejected',
    );
    return;
  }
  const command = parsed.data;
  if (ctx.isStopping()) {
    await ctx.acknowledge(ack({ response_type: 'ephemeral', text: RESTARTING }), arrival);
    return;
  }
  const deliveryKey = slackDeliveryKey.command(command.team_id, command.trigger_id);
  const delivery = {
    kind: 'command' as const,
    receivedAt: Date.now(),
    command,
    displayName: command.user_name ?? null,
  };
  // A new user's account is made while the delivery is recorded rather than after: one round trip less
  // before the answer. The command itself runs only once the inbox holds it.
  const invocation = commandInvocation(ctx, delivery);
  ctx.inbox.prepare(invocation);
  const recorded = await ctx.record(deliveryKey, delivery, arrival);
  if (recorded === 'unsaved') {
    await ctx.acknowledge(ack({ response_type: 'ephemeral', text: NOT_SAVED }), arrival);
    return;
  }
  if (recorded === 'duplicate') {
    await ctx.acknowledge(ack(), arrival);
    ctx.log.info({ command: command.command, retryNum: context.retryNum }, 'Slack redelivery ignored');
    return;
  }
  await answerCommand(ctx, args, arrival, deliveryKey, delivery, invocation);
}

/**
 * Runs a recorded command and answers it: in the acknowledgement when it finished within answerWithinMs
 * of its arrival (and has no files), else through response_url after an empty acknowledgement.
 */
async function answerCommand(
  ctx: CommandContext,
  { ack, respond }: CommandArgs,
  arrival: Arrival,
  deliveryKey: string,
  delivery: CommandDelivery,
  invocation: Invocation,
): Promise<void> {
  const { command } = delivery;
  const pending = runCommand(ctx, deliveryKey, invocation);
  const early = await within(pending, ctx.answerWithinMs - (performance.now() - arrival.at));
  const target: Target = {
    respond,
    userId: command.user_id,
    channelId: command.channel_id,
    replaceOriginal: false,
  };
  if (early && (early.value.reply.files ?? []).length === 0) {
    const reply = early.value.reply;
    const handed = await ctx.acknowledge(ack(ackBodyOf(ctx.render, reply)), arrival).then(
      () => true,
      (error: unknown) => {
        ctx.log.warn(
          { err: error },
          'the acknowledgement with the answer failed; answering through response_url',
        );
        return false;
      },
    );
    // Done only once the answer has left: a crash before that leaves the delivery to be resumed.
    ctx.enqueue(async () => {
      const sentAt = handed ? await acknowledgementSent(arrival) : undefined;
      // Slack drops an acknowledgement that comes after 3 s (the user sees a timeout): say it again.
      const late = sentAt === undefined || sentAt - arrival.at > LATE_ACK_MS;
      await ctx.inbox.finish(deliveryKey, late ? await ctx.deliver(reply, target) : true);
    });
    return;
  }
  await ctx.acknowledge(ack(), arrival);
  ctx.enqueue(async () => {
    const outcome = await pending;
    await ctx.inbox.finish(deliveryKey, await ctx.deliver(outcome.reply, target));
  });
}
