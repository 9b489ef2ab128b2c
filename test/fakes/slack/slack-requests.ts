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

/** A block_actions payload: a click on one button of a message posted through `response_url`. */
export function blockActions(fields: {
  user_id: string;
  team_id: string;
  action_id: string;
  value: string;
  response_url: string;
  trigger_id?: string;
  action_ts?: string;
}): Record<string, unknown> {
  return {
    type: 'block_actions',
    user: { id: fields.user_id, team_id: fields.team_id, name: 'someone', username: 'someone' },
    api_app_id: 'A0FAKE',
    token: 'verification-token',
    container: {
      type: 'message',
      message_ts: '1700000000.000100',
      channel_id: 'C0GENERAL',
      is_ephemeral: true,
    },
    trigger_id: fields.trigger_id ?? `${Date.now()}.${randomBytes(6).toString('hex')}`,
    team: { id: fields.team_id, domain: 'fake' },
    channel: { id: 'C0GENERAL', name: 'general' },
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
