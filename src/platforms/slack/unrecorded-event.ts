/**
 * Thrown by an event's listener when the inbox did not take the event (a message with a Spotify link, a
 * mood in the bot's DM). Bolt's error handler passes it on to the receiver (receiver.ts), which then
 * leaves the event unacknowledged (HTTP 500, no Socket Mode ack), so Slack delivers it again later.
 */
export class UnrecordedEvent extends Error {
  override readonly name = 'UnrecordedEvent';
}

/** The error, or the one Bolt wrapped (its UnknownError keeps it as `original`), is an UnrecordedEvent. */
export function isUnrecordedEvent(error: unknown): boolean {
  if (error instanceof UnrecordedEvent) return true;
  return typeof error === 'object' && error !== null && 'original' in error
    ? error.original instanceof UnrecordedEvent
    : false;
}
