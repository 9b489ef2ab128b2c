import type { types } from '@slack/bolt';
import { z } from 'zod';
import { type Reply, type ReplyButton, type ReplyField, renderPlainText } from '../../core/commands/index.js';

/** A message body Slack accepts from `respond`, `chat.postMessage` and `response_url`. */
export interface SlackMessage {
  /** Plain-text fallback: notifications, screen readers, clients that cannot show blocks. */
  text: string;
  blocks: types.KnownBlock[];
}

export interface RenderOptions {
  /** Buttons that expired before this instant are left out. */
  now?: Date;
  /** A line about the reply's files (where they went, or why they did not); shown instead of them. */
  filesNote?: string;
  /** Names commands as this workspace types them (SLACK_COMMAND_PREFIX: `/mood` -> `/ms-mood`). */
  renameCommands?: (text: string) => string;
}

/** The reply with the commands its text names renamed; buttons carry commands by name and stay. */
function withCommandNames(reply: Reply, rename: (text: string) => string): Reply {
  return {
    ...reply,
    ...(reply.title !== undefined ? { title: rename(reply.title) } : {}),
    text: rename(reply.text),
    ...(reply.fields ? { fields: reply.fields.map((f) => ({ ...f, value: rename(f.value) })) } : {}),
  };
}

/** Prefix of every `action_id` MoodScale puts on a button; `app.action(/^ms:/)` routes them back. */
export const ACTION_PREFIX = 'ms:';

// Slack's documented limits.
const HEADER_MAX = 150;
const SECTION_TEXT_MAX = 3000;
const FIELD_TEXT_MAX = 2000;
const FIELDS_PER_SECTION = 10;
const BLOCKS_MAX = 50;
const BUTTON_LABEL_MAX = 75;
const BUTTONS_MAX = 25;
const FALLBACK_MAX = 3900;

/**
 * Escapes the three characters Slack's mrkdwn treats as control characters. After this, user text
 * (notes, track titles, display names) cannot mention anyone (`<!channel>`, `<@U123>`), link anywhere
 * or use a date token: it shows as typed.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Undoes the escaping Slack applies to slash command text, so the parser sees what the user typed. */
export function decodeSlackEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

// Slack's limits of a modal (views.open) and of its plain_text_input; a button value takes 2,000 characters.
const MODAL_TITLE_MAX = 24;
const FORM_LABEL_MAX = 100;
const PLACEHOLDER_MAX = 150;
const INPUT_MAX_LENGTH = 3000;

/** The callback_id of the form a form button opens; `app.view(FORM_CALLBACK_ID)` receives it sent. */
export const FORM_CALLBACK_ID = 'moodscale_form';
/** The block and action ids of the form's one field, where its text is in a view_submission's state. */
export const FORM_BLOCK_ID = 'form';
export const FORM_INPUT_ID = 'text';

const formValueSchema = z.object({
  /** Title, field label, placeholder and maximum length (ReplyButton.form), within Slack's limits. */
  t: z.string().min(1).max(MODAL_TITLE_MAX),
  l: z.string().min(1).max(FORM_LABEL_MAX),
  p: z.string().min(1).max(PLACEHOLDER_MAX).optional(),
  m: z.number().int().min(1).max(INPUT_MAX_LENGTH),
});

const buttonValueSchema = z.object({
  /** The follow-up command the button stands for ("/forget confirm:CODE"). */
  c: z.string().min(2).max(500),
  /** Expiry, in milliseconds since the epoch. */
  x: z.number().int().positive().optional(),
  /** 1: the answer replaces the message the button is on (ReplyButton.updatesMessage). */
  u: z.literal(1).optional(),
  /** The form the click opens (ReplyButton.form); its answer replaces the message too. */
  f: formValueSchema.optional(),
});

export type ButtonValue = z.infer<typeof buttonValueSchema>;
export type FormValue = z.infer<typeof formValueSchema>;

/** What a button carries to Slack and back: its command, its expiry, and how its answer is shown. */
export function encodeButtonValue(button: ReplyButton): string {
  const value: ButtonValue = { c: button.action };
  if (button.expiresAt) value.x = button.expiresAt.getTime();
  if (button.form) {
    const { title, label, placeholder, maxLength } = button.form;
    value.f = {
      t: cut(title || button.label, MODAL_TITLE_MAX),
      l: cut(label || title || button.label, FORM_LABEL_MAX),
      ...(placeholder ? { p: cut(placeholder, PLACEHOLDER_MAX) } : {}),
      m: Math.min(Math.max(1, Math.floor(maxLength)), INPUT_MAX_LENGTH),
    };
  } else if (button.updatesMessage) value.u = 1;
  return JSON.stringify(value);
}

const formMetadataSchema = z.object({
  /** The button's command line, to which ` -- ${text}` is added. */
  c: buttonValueSchema.shape.c,
  /** The button's expiry, in milliseconds since the epoch. */
  x: z.number().int().positive().optional(),
  /** The conversation of the message the button is on. */
  ch: z.string().min(1).max(64).optional(),
  /** The message the button is on, which the answer replaces with chat.update. */
  ts: z.string().min(1).max(64).optional(),
  /** A private (ephemeral) message cannot be updated by the API: the click's response_url replaces it. */
  r: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .optional(),
});

/** What a form carries through Slack (the view's private_metadata): the command and where to answer. */
export type FormMetadata = z.infer<typeof formMetadataSchema>;

/** A form's private_metadata back, or undefined when it is not one of ours. */
export function decodeFormMetadata(value: string | undefined): FormMetadata | undefined {
  if (value === undefined) return undefined;
  try {
    const parsed = formMetadataSchema.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The modal a form button opens (views.open): the form's title, one required paragraph field, Save and
 * Cancel, and private_metadata saying what to run and which message to replace.
 */
export function renderFormView(form: FormValue, metadata: FormMetadata): types.ModalView {
  const input: types.PlainTextInput = {
    type: 'plain_text_input',
    action_id: FORM_INPUT_ID,
    multiline: true,
    max_length: form.m,
    ...(form.p ? { placeholder: { type: 'plain_text', text: form.p } } : {}),
  };
  return {
    type: 'modal',
    callback_id: FORM_CALLBACK_ID,
    title: { type: 'plain_text', text: form.t },
    submit: { type: 'plain_text', text: 'Save' },
    close: { type: 'plain_text', text: 'Cancel' },
    private_metadata: JSON.stringify(metadata),
    blocks: [
      {
        type: 'input',
        block_id: FORM_BLOCK_ID,
        label: { type: 'plain_text', text: form.l },
        element: input,
      },
    ],
  };
}

/** The command and expiry of a clicked button, or undefined when the value is not one of ours. */
export function decodeButtonValue(value: string | undefined): ButtonValue | undefined {
  if (value === undefined) return undefined;
  try {
    const parsed = buttonValueSchema.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A Reply as Block Kit, with a plain-text fallback: the title as a header, the text as sections, inline
 * fields side by side, other fields as their own sections, buttons as an actions block whose values
 * carry the follow-up command, and a context line saying until when the buttons work. Every piece of
 * reply text is escaped; only the date token this function writes itself is markup.
 */
export function renderSlackMessage(original: Reply, options: RenderOptions = {}): SlackMessage {
  const reply = options.renameCommands ? withCommandNames(original, options.renameCommands) : original;
  const blocks: types.KnownBlock[] = [];
  if (reply.title) {
    blocks.push({
      type: 'header',
      text: { type: 'plain_text', text: cut(reply.title, HEADER_MAX), emoji: true },
    });
  }
  for (const chunk of chunks(escapeMrkdwn(reply.text), SECTION_TEXT_MAX)) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: chunk } });
  }
  blocks.push(...fieldBlocks(reply.fields ?? []));
  if (reply.image && /^https:\/\//.test(reply.image.url)) {
    blocks.push({ type: 'image', image_url: reply.image.url, alt_text: cut(reply.image.alt, 2000) });
  }
  if (options.filesNote) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: cut(options.filesNote, FIELD_TEXT_MAX) }],
    });
  }

  const now = options.now;
  const buttons = (reply.buttons ?? [])
    .filter((b) => now === undefined || b.expiresAt === undefined || b.expiresAt > now)
    .slice(0, BUTTONS_MAX);
  const tail: types.KnownBlock[] = [];
  if (buttons.length > 0) {
    tail.push({
      type: 'actions',
      elements: buttons.map((button, i) => {
        const element: types.Button = {
          type: 'button',
          action_id: `${ACTION_PREFIX}${i}:${button.id}`.slice(0, 255),
          text: { type: 'plain_text', text: cut(button.label, BUTTON_LABEL_MAX), emoji: true },
          value: encodeButtonValue(button),
        };
        if (button.style !== 'secondary') element.style = button.style;
        return element;
      }),
    });
    const expiry = earliest(buttons);
    if (expiry) {
      const seconds = Math.floor(expiry.getTime() / 1000);
      const fallback = `${expiry.toISOString().slice(11, 16)} UTC`;
      tail.push({
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `${buttons.length === 1 ? 'The button works' : 'Buttons work'} until <!date^${seconds}^{time}|${fallback}>.`,
          },
        ],
      });
    }
  }
  // Stay within Slack's block limit: drop body blocks from the end, never the buttons.
  const body = blocks.slice(0, BLOCKS_MAX - tail.length);
  if (body.length < blocks.length) {
    body[body.length - 1] = { type: 'context', elements: [{ type: 'mrkdwn', text: '…(shortened)' }] };
  }

  const plain = renderPlainText(reply, now ? { now } : {});
  const fallback = [escapeMrkdwn(plain), options.filesNote].filter(Boolean).join('\n\n');
  return { text: cut(fallback || ' ', FALLBACK_MAX), blocks: [...body, ...tail] };
}

function fieldBlocks(fields: readonly ReplyField[]): types.KnownBlock[] {
  const blocks: types.KnownBlock[] = [];
  let row: types.MrkdwnElement[] = [];
  const flush = () => {
    if (row.length > 0) blocks.push({ type: 'section', fields: row });
    row = [];
  };
  for (const field of fields) {
    const name = `*${escapeMrkdwn(field.name.replace(/\*/g, ''))}*`;
    if (field.inline) {
      const text = `${name}\n${escapeMrkdwn(field.value)}`;
      row.push({ type: 'mrkdwn', text: cut(text, FIELD_TEXT_MAX) });
      if (row.length === FIELDS_PER_SECTION) flush();
      continue;
    }
    flush();
    const parts = chunks(escapeMrkdwn(field.value), SECTION_TEXT_MAX - name.length - 1);
    parts.forEach((part, i) => {
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: i === 0 ? `${name}\n${part}` : part } });
    });
  }
  flush();
  return blocks;
}

function earliest(buttons: readonly ReplyButton[]): Date | undefined {
  let found: Date | undefined;
  for (const b of buttons) if (b.expiresAt && (!found || b.expiresAt < found)) found = b.expiresAt;
  return found;
}

/** Text cut to `max` characters, ending in an ellipsis when cut. Never ends inside an escape. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const amp = text.lastIndexOf('&', end);
  if (amp > end - 5 && text.indexOf(';', amp) >= end) end = amp;
  return `${text.slice(0, end)}…`;
}

/** Splits text into pieces of at most `max` characters, at line breaks where possible. */
function chunks(text: string, max: number): string[] {
  const out: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    let at = rest.lastIndexOf('\n', max);
    if (at < max / 2) at = rest.lastIndexOf(' ', max);
    if (at < max / 2) at = max;
    const amp = rest.lastIndexOf('&', at);
    if (amp > at - 5 && rest.indexOf(';', amp) >= at) at = amp;
    out.push(rest.slice(0, at));
    rest = rest.slice(at).trimStart();
  }
  if (rest.length > 0) out.push(rest);
  return out;
}
