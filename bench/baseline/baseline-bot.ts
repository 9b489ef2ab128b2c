/**
 * The baseline of bench/answer-latency: the /mood command as a newcomer would write it straight on
 * @slack/bolt and discord.js, with one small pg Pool. No inbox, no retries, no caches, no audit.
 *
 * Slack (HTTP mode): parse the score, save the entry, answer inside the acknowledgement.
 * Discord: defer (ephemeral), save the entry, edit the deferred reply.
 *
 * "Save the entry" is one upsert of the user (by a username made of the platform and the chat user id)
 * and one INSERT into mood_entries, on the same tables as MoodScale (the bench migrates the database).
 */
import { App, HTTPReceiver } from '@slack/bolt';
import { Client, Events, GatewayIntentBits, MessageFlags } from 'discord.js';
import pg from 'pg';

export interface BaselineSettings {
  databaseUrl: string;
  slack: { token: string; signingSecret: string; apiUrl: string; port: number };
  discord: { token: string; apiUrl: string };
}

export interface BaselineBot {
  /** Where Slack's requests go: http://127.0.0.1:<port>/slack/events. */
  slackPort: number;
  stop(): Promise<void>;
}

export async function startBaselineBot(settings: BaselineSettings): Promise<BaselineBot> {
  const pool = new pg.Pool({ connectionString: settings.databaseUrl });

  async function saveMood(username: string, score: number, tags: string[]): Promise<void> {
    const user = await pool.query<{ id: number }>(
      `INSERT INTO users (username) VALUES ($1)
       ON CONFLICT (username) DO UPDATE SET username = EXCLUDED.username
       RETURNING id`,
      [username],
    );
    await pool.query('INSERT INTO mood_entries (user_id, mood_score, emotions) VALUES ($1, $2, $3)', [
      user.rows[0]!.id,
      score,
      tags,
    ]);
  }

  // --- Slack -----------------------------------------------------------------------------------
  const receiver = new HTTPReceiver({ signingSecret: settings.slack.signingSecret });
  const slack = new App({
    token: settings.slack.token,
    receiver,
    clientOptions: { slackApiUrl: settings.slack.apiUrl },
  });

  slack.command('/mood', async ({ command, ack }) => {
    const [first = '', ...tags] = command.text.trim().split(/[\s,]+/);
    const score = Number(first);
    if (!Number.isInteger(score) || score < 1 || score > 10) {
      await ack({ response_type: 'ephemeral', text: 'Usage: /mood <1-10> [tags]' });
      return;
    }
    try {
      await saveMood(`slack:${command.team_id}:${command.user_id}`, score, tags);
      await ack({ response_type: 'ephemeral', text: `Saved your mood: ${score}/10` });
    } catch (error) {
      console.error(error);
      await ack({ response_type: 'ephemeral', text: 'Sorry, something went wrong.' });
    }
  });

  const server = await slack.start(settings.slack.port);
  const address = server.address();
  const slackPort = typeof address === 'object' && address !== null ? address.port : settings.slack.port;

  // --- Discord ---------------------------------------------------------------------------------
  const discord = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: settings.discord.apiUrl } });

  discord.on(Events.InteractionCreate, async (interaction) => {
    if (!interaction.isChatInputCommand() || interaction.commandName !== 'mood') return;
    try {
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      const score = interaction.options.getInteger('score', true);
      const tags = (interaction.options.getString('emotions') ?? '').split(/[\s,]+/).filter(Boolean);
      await saveMood(`discord:${interaction.user.id}`, score, tags);
      await interaction.editReply(`Saved your mood: ${score}/10`);
    } catch (error) {
      console.error(error);
    }
  });

  const ready = new Promise<void>((resolve) => discord.once(Events.ClientReady, () => resolve()));
  await discord.login(settings.discord.token);
  await ready;

  return {
    slackPort,
    async stop() {
      await slack.stop();
      await discord.destroy();
      await pool.end();
    },
  };
}
