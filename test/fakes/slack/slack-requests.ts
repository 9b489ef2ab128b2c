import { createHmac, randomBytes } from 'node:crypto';
import { type Agent, request } from 'node:http';

/** The fields of a slash command as Slack posts them (form-encoded) or wraps them in an envelope. */
export interface SlashCommandFields {
  command: string;
  text: string;
  user_id: string;
  team_id: string;
  channel_id: string;
  response_url: string;
  trigger_id: string;
  user_name?: string;
}

/** A slash command payload; ids not given are made up. */
export function slashCommand(
  fields: Pick<SlashCommandFields, 'command' | 'text' | 'response_url'> & Partial<SlashCommandFields>,
): SlashCommandFields {
  return {
    user_id: `U${randomBytes(4).toString('hex').toUpperCase()}`,
    team_id: 'T0FAKE',
    channel_id: 'C0GENERAL',
    trigger_id: `${Date.now()}.${randomBytes(6).toString('hex')}`,
    user_name: 'someone',
    ...fields,
  };
}

/**
 * A block_actions payload: a click on one button of a private answer posted through `response_url`, or,
 * with `message`, of a message the app posted (a digest in the DM), which Slack marks not ephemeral.
 */
export function blockActions(fields: {
  user_id: string;
  team_id: string;
  action_id: string;
  value: string;
  response_url: string;
  trigger_id?: string;
  action_ts?: string;
  message?: { channel: string; ts: string };
}): Record<string, unknown> {
  const channel = fields.message?.channel ?? 'C0GENERAL';
  return {
    type: 'block_actions',
    user: { id: fields.user_id, team_id: fields.team_id, name: 'someone', username: 'someone' },
    api_app_id: 'A0FAKE',
    token: 'verification-token',
    container: {
      type: 'message',
      message_ts: fields.message?.ts ?? '1700000000.000100',
      channel_id: channel,
      is_ephemeral: fields.message === undefined,
    },
    trigger_id: fields.trigger_id ?? `${Date.now()}.${randomBytes(6).toString('hex')}`,
    team: { id: fields.team_id, domain: 'fake' },
    channel: { id: channel, name: fields.message ? 'directmessage' : 'general' },
    response_url: fields.response_url,
    actions: [
      {
        type: 'button',
        block_id: 'b1',
        action_id: fields.action_id,
        text: { type: 'plain_text', text: 'Button' },
        value: fields.value,
        action_ts: fields.action_ts ?? `${(Date.now() / 1000).toFixed(6)}`,
      },
    ],
  };
}

/** A `message` event in a channel; ids not given are made up. `extra` adds or overrides fields (subtype, bot_id...). */
export function messageEvent(
  fields: { text: string; user?: string; channel?: string; ts?: string; thread_ts?: string },
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const ts =
    fields.ts ??
    `${Math.floor(Date.now() / 1000)}.${randomBytes(3).readUIntBE(0, 3).toString().padStart(6, '0')}`;
  return {
    type: 'message',
    channel: fields.channel ?? 'C0GENERAL',
    channel_type: 'channel',
    user: fields.user ?? `U${randomBytes(4).toString('hex').toUpperCase()}`,
    text: fields.text,
    ts,
    event_ts: ts,
    client_msg_id: randomBytes(16).toString('hex'),
    team: 'T0FAKE',
    blocks: [],
    ...(fields.thread_ts ? { thread_ts: fields.thread_ts } : {}),
    ...extra,
  };
}

/**
 * The `message` event Slack sends when a user shares files in a conversation (subtype `file_share`): in
 * their DM with the bot by default (`channel_type: 'im'`), `files` as the Web API shows them.
 */
export function fileShareEvent(
  fields: { user: string; channel: string; files: Record<string, unknown>[]; text?: string },
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return messageEvent(
    { text: fields.text ?? '', user: fields.user, channel: fields.channel },
    {
      subtype: 'file_share',
      channel_type: 'im',
      files: fields.files,
      upload: true,
      display_as_bot: false,
      ...extra,
    },
  );
}

/** The `event_callback` Slack POSTs (HTTP mode) or wraps as an `events_api` envelope's payload (Socket Mode). */
export function eventCallback(event: Record<string, unknown>, teamId = 'T0FAKE'): Record<string, unknown> {
  return {
    token: 'verification-token',
    team_id: teamId,
    api_app_id: 'A0FAKE',
    event,
    type: 'event_callback',
    event_id: `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [
      { enterprise_id: null, team_id: teamId, user_id: 'U0BOT', is_bot: true, is_enterprise_install: false },
    ],
    is_ext_shared_channel: false,
    event_context: `4-${randomBytes(8).toString('hex')}`,
  };
}

/** A JSON body (an event callback) signed as Slack signs it. */
export function signedJson(
  secret: string,
  body: Record<string, unknown>,
  timestamp = Math.floor(Date.now() / 1000),
): SignedRequest {
  const text = JSON.stringify(body);
  return {
    body: text,
    headers: {
      'content-type': 'application/json',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(secret, timestamp, text),
    },
  };
}

/** Slack's request signature: `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}` with the signing secret. */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

/** A form-encoded body signed as Slack signs it, `timestamp` in seconds (now by default). */
export function signedForm(
  secret: string,
  fields: Record<string, string>,
  timestamp = Math.floor(Date.now() / 1000),
): SignedRequest {
  const body = new URLSearchParams(fields).toString();
  return {
    body,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(secret, timestamp, body),
    },
  };
}

/** An interactive payload (button click) as Slack posts it: form field `payload` holding JSON. */
export function signedInteraction(secret: string, payload: Record<string, unknown>): SignedRequest {
  return signedForm(secret, { payload: JSON.stringify(payload) });
}

export interface PostResult {
  status: number;
  body: string;
  /** Milliseconds from sending the request to its response's status line. */
  elapsedMs: number;
}

/** POSTs a request with node:http (so the headers are exactly these) and measures the time to the answer. */
export function post(
  url: string,
  signed: SignedRequest,
  extraHeaders: Record<string, string> = {},
  agent?: Agent,
): Promise<PostResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { ...signed.headers, ...extraHeaders }, ...(agent ? { agent } : {}) },
      (res) => {
        const elapsedMs = performance.now() - started;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), elapsedMs }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(signed.body);
  });
}
