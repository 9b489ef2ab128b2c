import {
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type APIEmbed,
  type APIEmbedField,
  type APIModalInteractionResponseCallbackData,
  ButtonStyle,
  ComponentType,
  LabelBuilder,
  MessageFlags,
  ModalBuilder,
  TextInputBuilder,
  TextInputStyle,
} from 'discord.js';
import { type Reply, type ReplyButton, type ReplyColor, typedAction } from '../../core/commands/index.js';
import { clip } from './command-json.js';

/** Discord's message limits (https://discord.com/developers/docs/resources/message). */
export const MESSAGE_LIMITS = {
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  fieldName: 256,
  fieldValue: 1024,
  embedTotal: 6000,
  customId: 100,
  buttonLabel: 80,
  buttonsPerRow: 5,
  rows: 5,
} as const;

/**
 * A message as discord.js takes it (`editReply`, `update`, `channel.send`): raw API embeds and
 * components, files as buffers, and mentions disabled.
 */
export interface DiscordMessage {
  content?: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponentWithCustomId>[];
  files: Array<{ attachment: Buffer; name: string; description?: string }>;
  allowedMentions: { parse: [] };
}

/** A first answer to an interaction (`reply`, `followUp`): a message, ephemeral when private. */
export interface DiscordReply extends DiscordMessage {
  flags?: MessageFlags.Ephemeral;
}

export interface RenderOptions {
  /** Buttons that expired before this instant are left out. */
  now: Date;
}

const COLORS: Record<ReplyColor, number> = {
  info: 0x5865f2,
  success: 0x57f287,
  warning: 0xfee75c,
  danger: 0xed4245,
};

const STYLES: Record<ReplyButton['style'], APIButtonComponentWithCustomId['style']> = {
  primary: ButtonStyle.Primary,
  secondary: ButtonStyle.Secondary,
  danger: ButtonStyle.Danger,
};

const CUSTOM_ID_PREFIX = 'ms';
const NO_EXPIRY = '0';

/** Discord's modal limits (https://discord.com/developers/docs/components/reference#text-input). */
export const MODAL_LIMITS = { title: 45, label: 45, placeholder: 100, maxLength: 4000 } as const;

/** The custom_id of the text field of a form's modal. */
export const FORM_FIELD_ID = 'text';

/** A form as a button's custom_id carries it; a text left empty did not fit (see buttonCustomId). */
export interface CarriedForm {
  title: string;
  label: string;
  placeholder: string;
  maxLength: number;
}

/** What a MoodScale custom_id carries back on a click (or a modal's submission). */
export interface ParsedCustomId {
  action: string;
  expiresAt: Date | undefined;
  /** The answer replaces the message the button is on (ReplyButton.updatesMessage; true for a form). */
  updatesMessage?: true;
  /** The click opens this form (ReplyButton.form). */
  form?: CarriedForm;
}

const base36 = (n: number) => n.toString(36);

/**
 * The custom_id of a button (and of a form's modal): `ms:<expiry>:<mode><action>`, where expiry is the
 * Unix second in base 36 ('0' for none), action the command line the button stands for ("/forget
 * confirm:7K2Q9X"), and mode empty (the answer goes beside a message that stays), `u:` (the answer
 * replaces the message: ReplyButton.updatesMessage) or, for a form, `f<max>.<t>.<l>.<p>:` followed by
 * the title, label and placeholder themselves (lengths t, l, p and max in base 36) just before the
 * action. Discord hands the custom_id back on a click, so the button needs no server-side state.
 * A form's texts are left out, placeholder first, when they do not fit; the click then falls back to the
 * title for the label and to the button's label for the title. Undefined when even the bare action
 * does not fit Discord's 100 characters.
 */
export function buttonCustomId(
  button: Pick<ReplyButton, 'action' | 'expiresAt' | 'updatesMessage' | 'form'>,
): string | undefined {
  const expiry =
    button.expiresAt === undefined ? NO_EXPIRY : base36(Math.ceil(button.expiresAt.getTime() / 1000));
  const head = `${CUSTOM_ID_PREFIX}:${expiry}:`;
  const fits = (id: string) => (id.length <= MESSAGE_LIMITS.customId ? id : undefined);
  const { form } = button;
  if (!form) return fits(`${head}${button.updatesMessage ? 'u:' : ''}${button.action}`);
  const title = clip(form.title, MODAL_LIMITS.title);
  const label = clip(form.label, MODAL_LIMITS.label);
  const placeholder = clip(form.placeholder ?? '', MODAL_LIMITS.placeholder);
  const max = base36(Math.min(Math.max(1, Math.floor(form.maxLength)), MODAL_LIMITS.maxLength));
  const texts: Array<[string, string, string]> = [
    [title, label, placeholder],
    [title, label, ''],
    [title, '', ''],
    ['', '', ''],
  ];
  for (const [t, l, p] of texts) {
    const mode = `f${max}.${base36(t.length)}.${base36(l.length)}.${base36(p.length)}:`;
    const id = fits(`${head}${mode}${t}${l}${p}${button.action}`);
    if (id) return id;
  }
  return undefined;
}

/** The action, expiry and manner a custom_id carries, or undefined for one MoodScale did not make. */
export function parseButtonCustomId(customId: string): ParsedCustomId | undefined {
  const match = /^ms:([0-9a-z]+):([\s\S]+)$/.exec(customId);
  if (!match) return undefined;
  const [, expiry = NO_EXPIRY, rest = ''] = match;
  const seconds = Number.parseInt(expiry, 36);
  if (!Number.isSafeInteger(seconds)) return undefined;
  const expiresAt = expiry === NO_EXPIRY ? undefined : new Date(seconds * 1000);
  const action = (line: string) => (line.startsWith('/') ? line : undefined);
  if (rest.startsWith('/')) return { action: rest, expiresAt };
  if (rest.startsWith('u:/')) return { action: rest.slice(2), expiresAt, updatesMessage: true };
  const form = /^f([0-9a-z]+)\.([0-9a-z]+)\.([0-9a-z]+)\.([0-9a-z]+):([\s\S]+)$/.exec(rest);
  if (!form) return undefined;
  const [maxLength = 0, t = 0, l = 0, p = 0] = form.slice(1, 5).map((n) => Number.parseInt(n ?? '', 36));
  const body = form[5] ?? '';
  const line = action(body.slice(t + l + p));
  if (!line || !(maxLength > 0)) return undefined;
  return {
    action: line,
    expiresAt,
    updatesMessage: true,
    form: {
      title: body.slice(0, t),
      label: body.slice(t, t + l),
      placeholder: body.slice(t + l, t + l + p),
      maxLength,
    },
  };
}

/**
 * The modal a form button opens: its title (the button's label when the custom_id had no room for it),
 * one required paragraph field, and a custom_id carrying the action and expiry (the submission's
 * answer replaces the message the button is on).
 */
export function renderFormModal(
  button: Pick<ParsedCustomId, 'action' | 'expiresAt'> & { form: CarriedForm },
  buttonLabel: string,
): APIModalInteractionResponseCallbackData | undefined {
  const customId = buttonCustomId({ action: button.action, expiresAt: button.expiresAt });
  if (customId === undefined) return undefined;
  const title = clip(button.form.title || buttonLabel, MODAL_LIMITS.title) || 'MoodScale';
  const field = new TextInputBuilder()
    .setCustomId(FORM_FIELD_ID)
    .setStyle(TextInputStyle.Paragraph)
    .setRequired(true)
    .setMinLength(1)
    .setMaxLength(button.form.maxLength);
  if (button.form.placeholder) field.setPlaceholder(clip(button.form.placeholder, MODAL_LIMITS.placeholder));
  return new ModalBuilder()
    .setCustomId(customId)
    .setTitle(title)
    .addLabelComponents(
      new LabelBuilder()
        .setLabel(clip(button.form.label || title, MODAL_LIMITS.label))
        .setTextInputComponent(field),
    )
    .toJSON();
}

/** The first word of an action, "/forget", for messages about it. */
export function commandOfAction(action: string): string {
  return action.trim().split(/\s+/)[0] ?? action;
}

function toBuffer(data: Uint8Array | string): Buffer {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
}

/** Fields clipped to Discord's limits; a blank name or value would be refused, so it becomes a zero-width space. */
function toFields(reply: Reply): APIEmbedField[] {
  return (reply.fields ?? []).slice(0, MESSAGE_LIMITS.embedFields).map((field) => ({
    name: clip(field.name, MESSAGE_LIMITS.fieldName) || '\u200b',
    value: clip(field.value, MESSAGE_LIMITS.fieldValue) || '\u200b',
    ...(field.inline ? { inline: true } : {}),
  }));
}

function toEmbed(reply: Reply, extraText: string): APIEmbed | undefined {
  const title = reply.title ? clip(reply.title, MESSAGE_LIMITS.embedTitle) : undefined;
  const fields = toFields(reply);
  const size = (list: APIEmbedField[]) => list.reduce((n, f) => n + f.name.length + f.value.length, 0);
  // All text of an embed together may not exceed 6,000 characters: drop fields from the end if needed,
  // then give the description what is left.
  while (fields.length > 0 && (title?.length ?? 0) + size(fields) > MESSAGE_LIMITS.embedTotal - 100)
    fields.pop();
  const room = Math.min(
    MESSAGE_LIMITS.embedDescription,
    MESSAGE_LIMITS.embedTotal - (title?.length ?? 0) - size(fields),
  );
  const text = [reply.text, extraText].filter((part) => part !== '').join('\n\n');
  const description = text ? clip(text, room) : undefined;
  if (!title && !description && fields.length === 0) return undefined;
  return {
    ...(title ? { title } : {}),
    ...(description ? { description } : {}),
    ...(fields.length > 0 ? { fields } : {}),
    ...(reply.color ? { color: COLORS[reply.color] } : {}),
    ...(reply.image && /^https:\/\//.test(reply.image.url) ? { thumbnail: { url: reply.image.url } } : {}),
  };
}

/**
 * A Reply as a Discord message: an embed (title, text, fields, colour), buttons whose custom_id carries
 * their action and expiry, files as attachments, and mentions disabled.
 * Everything is clipped to Discord's limits so a long note can never make a send fail.
 */
export function renderMessage(reply: Reply, options: RenderOptions): DiscordMessage {
  const live = (reply.buttons ?? []).filter(
    (button) => button.expiresAt === undefined || button.expiresAt > options.now,
  );
  const buttons: APIButtonComponentWithCustomId[] = [];
  const hints: string[] = [];
  for (const button of live) {
    const customId = buttonCustomId(button);
    if (customId === undefined || buttons.length >= MESSAGE_LIMITS.buttonsPerRow * MESSAGE_LIMITS.rows) {
      // Too long to carry in a button: say what to type instead, as the text platforms do.
      hints.push(`${button.label}: type \`${typedAction(button)}\``);
      continue;
    }
    buttons.push({
      type: ComponentType.Button,
      style: STYLES[button.style],
      label: clip(button.label, MESSAGE_LIMITS.buttonLabel),
      custom_id: customId,
    });
  }
  const components: APIActionRowComponent<APIButtonComponentWithCustomId>[] = [];
  for (let i = 0; i < buttons.length; i += MESSAGE_LIMITS.buttonsPerRow) {
    components.push({
      type: ComponentType.ActionRow,
      components: buttons.slice(i, i + MESSAGE_LIMITS.buttonsPerRow),
    });
  }
  const embed = toEmbed(reply, hints.join('\n'));
  const files = (reply.files ?? []).map((file) => ({
    attachment: toBuffer(file.data),
    name: file.name,
    // Discord keeps up to 1,024 characters of an attachment's description (its alt text).
    ...(file.description ? { description: file.description.slice(0, 1024) } : {}),
  }));
  return {
    // A message needs some content; a reply with nothing to show (none today) still gets a line.
    ...(embed === undefined && files.length === 0 ? { content: 'Done.' } : {}),
    embeds: embed ? [embed] : [],
    components,
    files,
    allowedMentions: { parse: [] },
  };
}

/**
 * A first answer to an interaction: the message, with the ephemeral flag when the reply is private (or
 * when `ephemeral` says so). Only a first answer can carry the flag; edits keep what the answer had.
 */
export function renderReply(reply: Reply, options: RenderOptions & { ephemeral?: boolean }): DiscordReply {
  const message = renderMessage(reply, options);
  const ephemeral = options.ephemeral ?? reply.visibility === 'private';
  return ephemeral ? { ...message, flags: MessageFlags.Ephemeral } : message;
}
