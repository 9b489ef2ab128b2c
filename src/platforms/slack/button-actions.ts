import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from '@slack/bolt';
import { splitCommandLine } from '../../core/commands/index.js';
import { arrivalOf } from './arrivals.js';
import { openForm } from './form-submissions.js';
import { type InteractionContext, NOT_SAVED, RESTARTING } from './handler-context.js';
import { type BlockActionsPayload, blockActionsSchema } from './payloads.js';
import { decodeButtonValue } from './render.js';
import { type SlackDelivery, slackDeliveryKey } from './slack-deliveries.js';

export type ActionArgs = SlackActionMiddlewareArgs & AllMiddlewareArgs;

/** What the button/select handler needs. */
export type ActionContext = InteractionContext;

/** The key and the delivery a click on a MoodScale button stands for: the command line it carries. */
export function buttonDelivery(
  payload: BlockActionsPayload,
  workspaceId: string,
  responseUrl: string,
  line: { name: string; args: string },
  replaceOriginal = false,
): { deliveryKey: string; delivery: SlackDelivery & { kind: 'button' } } {
  const action = payload.actions[0]!;
  const deliveryKey = slackDeliveryKey.button(
    workspaceId,
    payload.user.id,
    action.action_ts,
    payload.trigger_id,
  );
  const delivery = {
    kind: 'button' as const,
    receivedAt: Date.now(),
    workspaceId,
    userId: payload.user.id,
    displayName: payload.user.name ?? payload.user.username ?? null,
    ...(payload.channel?.id ? { channelId: payload.channel.id } : {}),
    responseUrl,
    triggerId: payload.trigger_id,
    command: line.name,
    args: line.args,
    replaceOriginal,
  };
  return { deliveryKey, delivery };
}

/**
 * A click on a MoodScale button (or a choice in its select): the command line in the button's value is
 * recorded and run like a slash command, and answered through response_url. Expired buttons, and any
 * click while stopping, are answered at once. A form button opens its form instead (form-submissions.ts).
 */
export async function onAction(
  ctx: ActionContext,
  { ack, body, respond, context }: ActionArgs,
): Promise<void> {
  const { log } = ctx;
  const arrival = arrivalOf(context);
  const parsed = blockActionsSchema.safeParse(body);
  if (!parsed.success) {
    await ctx.acknowledge(ack(), arrival);
    log.warn({ issues: parsed.error.issues.map((i) => i.path.join('.')) }, 'Slack action payload rejected');
    return;
  }
  const payload = parsed.data;
  const action = payload.actions[0]!;
  const workspaceId = payload.team?.id ?? payload.user.team_id ?? '';
  const value = decodeButtonValue(action.value);
  const line = value ? splitCommandLine(value.c) : undefined;
  // A private answer with buttons (the /forget prompt) becomes the result of the click. A message that
  // stays (the weekly digest in the DM, a channel post) is kept: the answer goes beside it, unless the
  // button says its answer replaces it (a check-in prompt: ReplyButton.updatesMessage).
  const replaceOriginal = payload.container?.is_ephemeral === true || value?.u === 1;
  if (!payload.response_url || !value || !line || ctx.isStopping()) {
    await ctx.acknowledge(ack(), arrival);
    if (ctx.isStopping() && payload.response_url)
      await respond({ response_type: 'ephemeral', text: RESTARTING });
    else if (payload.response_url)
      log.warn({ actionId: action.action_id }, 'Slack button without a MoodScale command');
    return;
  }
  if (value.x !== undefined && value.x <= ctx.now().getTime()) {
    await ctx.acknowledge(ack(), arrival);
    // The notice goes beside a message that stays (a check-in card keeps what it logged), as on Discord.
    await respond({
      response_type: 'ephemeral',
      replace_original: payload.container?.is_ephemeral === true,
      text: `That button has expired. Run \`/${line.name}\` again for a new one.`,
    });
    return;
  }
  if (value.f) {
    // Opening the form changes nothing, so nothing is recorded; what is sent in it is.
    await ctx.acknowledge(ack(), arrival);
    await openForm(ctx, { payload, form: value.f, action: value.c, expiresAt: value.x, respond });
    return;
  }
  const { deliveryKey, delivery } = buttonDelivery(
    payload,
    workspaceId,
    payload.response_url,
    line,
    replaceOriginal,
  );
  const recorded = await ctx.record(deliveryKey, delivery, arrival);
  // Slack reads nothing from a button's acknowledgement: every answer goes through response_url.
  await ctx.acknowledge(ack(), arrival);
  if (recorded === 'unsaved') {
    await respond({ response_type: 'ephemeral', text: NOT_SAVED });
    return;
  }
  if (recorded === 'duplicate') {
    log.info({ retryNum: context.retryNum }, 'Slack action redelivery ignored');
    return;
  }
  ctx.enqueue(async () => {
    const outcome = await ctx.runCounted(() => ctx.inbox.run({ ...ctx.invocationOf(delivery), deliveryKey }));
    const answered = await ctx.deliver(outcome.reply, {
      respond,
      userId: payload.user.id,
      channelId: payload.channel?.id,
      replaceOriginal,
    });
    await ctx.inbox.finish(deliveryKey, answered);
  });
}
