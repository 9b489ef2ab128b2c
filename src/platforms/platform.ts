/** A running chat surface (Discord, Slack, console). */
export interface PlatformAdapter {
  readonly name: string;
  start(): Promise<void>;
  /** Stops taking new commands, lets those in flight finish, and disconnects. */
  stop(): Promise<void>;
  /** Connected and taking commands (readiness); the console is always ready. */
  isReady?(): boolean;
}
