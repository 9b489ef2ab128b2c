/** Who sees a reply: only the person who ran the command (ephemeral), or the whole channel. */
export type Visibility = 'private' | 'public';

export type ReplyColor = 'info' | 'success' | 'warning' | 'danger';

export interface ReplyField {
  name: string;
  value: string;
  inline?: boolean;
}

export interface ReplyFile {
  name: string;
  /** application/gzip: a file a platform compressed to fit its upload limit (Discord). */
  contentType: 'text/csv' | 'application/json' | 'image/png' | 'application/gzip';
  data: Uint8Array | string;
  /** What a picture shows, in words (alt text for screen readers): Discord's attachment description, Slack's alt_text. */
  description?: string;
}

/**
 * A one-field form a button opens instead of running its action at once ("Add a note"). The field is a
 * paragraph of text and must not be left empty; each platform clips the texts to its own limits.
 */
export interface ReplyButtonForm {
  /** The form's title ("Add a note"). */
  title: string;
  /** The field's label ("Your note"). */
  label: string;
  /** Grey text in the empty field ("What made today what it was?"). */
  placeholder?: string;
  /** The most characters the field takes. */
  maxLength: number;
}

/**
 * A button. `action` is the follow-up command it stands for ("/forget confirm"), so a text-only platform
 * can tell the user what to type instead of showing a button.
 */
export interface ReplyButton {
  id: string;
  label: string;
  style: 'primary' | 'danger' | 'secondary';
  action: string;
  payload?: Record<string, string | number>;
  expiresAt?: Date;
  /**
   * The click's answer replaces the message the button is on, even a message that stays (a DM, a
   * channel post), instead of going beside it. A private (ephemeral) message is always replaced. On a
   * message others see, the answer then replaces it for everyone: meant for messages to one person.
   */
  updatesMessage?: boolean;
  /**
   * A click opens this form instead of running `action`; once it is sent, the command line run is
   * `${action} -- ${text}` (see formCommandLine), and its answer replaces the message the button is on,
   * as with `updatesMessage`. `action` must then have no `--` of its own.
   */
  form?: ReplyButtonForm;
}

/**
 * The command line a sent form runs: the button's action with the text after a standalone `--`, which
 * gives it, word for word, to the command's rest text option (the note).
 */
export function formCommandLine(action: string, text: string): string {
  return `${action} -- ${text}`;
}

/**
 * What to type instead of clicking a button: its action, and for a form button what to write after
 * `--` ("/checkin note prompt:12 -- your note", from the form's placeholder or label).
 */
export function typedAction(button: Pick<ReplyButton, 'action' | 'form'>): string {
  if (!button.form) return button.action;
  return formCommandLine(button.action, (button.form.placeholder ?? button.form.label).toLowerCase());
}

/**
 * What a command returns, free of any platform's types; each adapter renders it (Discord embeds and
 * components, Slack Block Kit, console text).
 */
export interface Reply {
  visibility: Visibility;
  title?: string;
  /** A picture that belongs to the reply (an album cover): a thumbnail on Discord, an image on Slack. */
  image?: { url: string; alt: string };
  text: string;
  fields?: ReplyField[];
  files?: ReplyFile[];
  buttons?: ReplyButton[];
  color?: ReplyColor;
}

/** A reply's content: its text alone, or everything but the visibility. */
export type ReplyInit = string | Omit<Reply, 'visibility'>;

function build(visibility: Visibility, init: ReplyInit, color?: ReplyColor): Reply {
  const content = typeof init === 'string' ? { text: init } : init;
  return color === undefined || content.color !== undefined
    ? { ...content, visibility }
    : { ...content, visibility, color };
}

/**
 * Reply builders: `reply.private('Saved.')`, `reply.public({ title, text, fields })`, and
 * `reply.error(message)` (private, coloured 'danger') for what went wrong, e.g. a UserError's message.
 */
export const reply = {
  private: (init: ReplyInit): Reply => build('private', init),
  public: (init: ReplyInit): Reply => build('public', init),
  error: (init: ReplyInit): Reply => build('private', init, 'danger'),
} as const;

/**
 * The reply as plain text, for the console and for plain-text fallbacks: title, text, fields as
 * "name: value", attached file names, and each button as a hint of the command to type
 * ("[Confirm] type: /forget confirm"; a form button adds what to write: "[Add a note] type: /checkin
 * note prompt:12 -- your note"). Buttons that expired before `now` (when given) are left out.
 */
export function renderPlainText(value: Reply, options: { now?: Date } = {}): string {
  const blocks: string[] = [];
  const head = [value.title, value.text].filter((part): part is string => part !== undefined && part !== '');
  if (head.length > 0) blocks.push(head.join('\n'));
  const fields = value.fields ?? [];
  if (fields.length > 0) {
    blocks.push(fields.map((field) => `${field.name}: ${field.value.replace(/\n/g, '\n  ')}`).join('\n'));
  }
  if (value.image) blocks.push(`Cover: ${value.image.url}`);
  const files = value.files ?? [];
  if (files.length > 0) blocks.push(files.map((file) => `Attached: ${file.name}`).join('\n'));
  const now = options.now;
  const buttons = (value.buttons ?? []).filter(
    (button) => now === undefined || button.expiresAt === undefined || button.expiresAt > now,
  );
  if (buttons.length > 0)
    blocks.push(buttons.map((button) => `[${button.label}] type: ${typedAction(button)}`).join('\n'));
  return blocks.join('\n\n');
}
