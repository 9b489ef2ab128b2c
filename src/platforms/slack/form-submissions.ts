import type { AllMiddlewareArgs, RespondFn, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { formCommandLine, splitCommandLine } from '../../core/commands/index.js';
import { formTarget } from './answers.js';
import { arrivalOf } from './arrivals.js';
import type { InteractionContext } from './handler-context.js';
import {
  type BlockActionsPayload,
  slackApiFailure,
  type ViewSubmissionPayload,
  viewSubmissionSchema,
} from './payloads.js';
import {
  decodeFormMetadata,
  FORM_BLOCK_ID,
  FORM_INPUT_ID,
  type FormMetadata,
  type FormValue,
  renderFormView,
} from './render.js';
import { type SlackDelivery, slackDeliveryKey } from './slack-deliveries.js';

export type FormSubmitArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/** What opening a form and handling what is sent in it need. */
export type FormContext = InteractionContext;

// Shown under the field when a form is not taken: the form stays open, so Save can be pressed again.
const RESTARTING = 'MoodScale is restarting. Nothing was saved; press Save again in a minute.';
const NOT_SAVED = 'MoodScale could not save that: its database did not answer. Press Save again in a minute.';
const EMPTY = 'Write something first, or cancel.';

/**
 * Opens the form of a clicked form button (views.open with the click's trigger_id, which Slack honours
 * for 3 seconds). Its private_metadata carries the command line, the expiry and the message to replace:
 * the message itself (chat.update), or for a private message, which the API cannot update, the click's
 * response_url. The click is acknowledged already; a form that cannot open is said through response_url.
 */
export async function openForm(
  ctx: Pick<FormContext, 'log' | 'api'>,
  click: {
    payload: BlockActionsPayload;
    form: FormValue;
    action: string;
    expiresAt: number | undefined;
    respond: RespondFn;
  },
): Promise<void> {
  const { payload } = click;
  const container = payload.container;
  const channelId = container?.channel_id ?? payload.channel?.id;
  const ephemeral = container?.is_ephemeral === true;
  const metadata: FormMetadata = {
    c: click.action,
    ...(click.expiresAt !== undefined ? { x: click.expiresAt } : {}),
    ...(channelId ? { ch: channelId } : {}),
    ...(!ephemeral && container?.message_ts ? { ts: container.message_ts } : {}),
    ...(ephemeral && payload.response_url ? { r: payload.response_url } : {}),
  };
  try {
    // Not retried on a rate limit: the trigger would have expired by then.
    await ctx.api.views.open({ trigger_id: payload.trigger_id, view: renderFormView(click.form, metadata) });
  } catch (error) {
    const failure = slackApiFailure(error);
    ctx.log.warn({ err: error, error: failure?.error }, 'Slack did not open a form (views.open)');
    await click.respond({
      response_type: 'ephemeral',
      replace_original: false,
      text: `I could not open the form (${failure?.error ?? 'no answer'}). Please click the button again.`,
    });
  }
}

/** The key and the delivery a sent form stands for: the button's command line with ` -- ${text}`. */
export function formDelivery(
  submission: ViewSubmissionPayload,
  workspaceId: string,
  metadata: FormMetadata,
  line: { name: string; args: string },
): { deliveryKey: string; delivery: SlackDelivery & { kind: 'form' } } {
  const { view, user } = submission;
  const deliveryKey = slackDeliveryKey.form(workspaceId, view.id, submission.trigger_id);
  const delivery = {
    kind: 'form' as const,
    receivedAt: Date.now(),
    workspaceId,
    userId: user.id,
    displayName: user.name ?? user.username ?? null,
    ...(metadata.ch ? { channelId: metadata.ch } : {}),
    ...(metadata.ts ? { messageTs: metadata.ts } : {}),
    ...(metadata.r ? { responseUrl: metadata.r } : {}),
    viewId: view.id,
    triggerId: submission.trigger_id,
    command: line.name,
    args: line.args,
  };
  return { deliveryKey, delivery };
}

/**
 * A form sent (view_submission of FORM_CALLBACK_ID): `${action} -- ${text}` is recorded and run like the
 * command typed, and its answer replaces the message the form's button is on (chat.update; a view
 * submission has no response_url). It is acknowledged with no body, which closes the form, once the
 * inbox holds it; when it cannot be taken (stopping, expired, empty, not saved) the form stays open and
 * says why under its field.
 */
export async function onFormSubmit(ctx: FormContext, { ack, body, context }: FormSubmitArgs): Promise<void> {
  const { log } = ctx;
  const arrival = arrivalOf(context);
  const parsed = viewSubmissionSchema.safeParse(body);
  const metadata = parsed.success ? decodeFormMetadata(parsed.data.view.private_metadata) : undefined;
  if (!parsed.success || !metadata) {
    await ctx.acknowledge(ack(), arrival);
    log.warn('Slack form submission without a MoodScale command; closed');
    return;
  }
  const submission = parsed.data;
  const refuse = (message: string) =>
    ctx.acknowledge(ack({ response_action: 'errors', errors: { [FORM_BLOCK_ID]: message } }), arrival);
  const text = submission.view.state.values[FORM_BLOCK_ID]?.[FORM_INPUT_ID]?.value ?? '';
  const line = splitCommandLine(formCommandLine(metadata.c, text));
  if (!line) {
    await ctx.acknowledge(ack(), arrival);
    log.warn('Slack form whose command is not a command line; closed');
    return;
  }
  if (ctx.isStopping()) return refuse(RESTARTING);
  if (metadata.x !== undefined && metadata.x <= ctx.now().getTime())
    return refuse(`This button has expired, so nothing was saved. Run /${line.name} again for a new one.`);
  // Slack lets no empty required field through; whitespace alone it does.
  if (text.trim() === '') return refuse(EMPTY);
  const workspaceId = submission.team?.id ?? submission.user.team_id ?? '';
  const { deliveryKey, delivery } = formDelivery(submission, workspaceId, metadata, line);
  const recorded = await ctx.record(deliveryKey, delivery, arrival);
  if (recorded === 'unsaved') return refuse(NOT_SAVED);
  await ctx.acknowledge(ack(), arrival);
  if (recorded === 'duplicate') {
    log.info({ retryNum: context.retryNum }, 'Slack form submission delivered again; ignored');
    return;
  }
  ctx.enqueue(async () => {
    const outcome = await ctx.runCounted(() => ctx.inbox.run({ ...ctx.invocationOf(delivery), deliveryKey }));
    const answered = await ctx.deliver(outcome.reply, formTarget(ctx.api, delivery));
    await ctx.inbox.finish(deliveryKey, answered);
  });
}
