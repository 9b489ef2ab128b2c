/** The Slack part of MoodScale's configuration (`config.slack`). */
export interface SlackSettings {
  botToken: string;
  mode: 'socket' | 'http';
  appToken: string | undefined;
  signingSecret: string | undefined;
  apiUrl: string | undefined;
  /** HTTP mode: larger request bodies are refused before they are read (SLACK_MAX_BODY_BYTES). */
  maxBodyBytes?: number | undefined;
  /** SLACK_COMMAND_PREFIX: the workspace types `/ms-mood` for `mood`. '' (the default) for plain names. */
  commandPrefix?: string | undefined;
}
