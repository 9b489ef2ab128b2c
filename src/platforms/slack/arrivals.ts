import type { Context } from '@slack/bolt';

/**
 * When a delivery reached the process (performance.now()): the HTTP request's start or the envelope's
 * receipt; and when its acknowledgement left, the HTTP response or the Socket Mode ack (undefined when it
 * never did: the connection closed first, or the delivery failed and was left for Slack to send again).
 */
export interface Arrival {
  at: number;
  sent?: Promise<number | undefined>;
}

function isArrival(value: unknown): value is Arrival {
  return typeof value === 'object' && value !== null && typeof (value as Arrival).at === 'number';
}

/** The arrival the receiver put in Bolt's context (see receiver.ts); now, when it put none. */
export function arrivalOf(context: Context): Arrival {
  const arrival = context.arrival;
  return isArrival(arrival) ? arrival : { at: performance.now() };
}

/**
 * When the acknowledgement left, as the receiver reports it (receiver.ts, socket-mode-receiver.ts); now
 * when it reported nothing.
 */
export const acknowledgementSent = (arrival: Arrival): Promise<number | undefined> =>
  arrival.sent ?? Promise.resolve(performance.now());

/**
 * Hands an acknowledgement to Bolt and reports, once it has left, the time since the delivery's
 * arrival. It leaves when the listener returns in HTTP mode (see processBeforeResponse), and at once in
 * Socket Mode for the commands and clicks that call this (socket-mode-receiver.ts holds back only an
 * event's ack, until its listener returns). `observer.onAcknowledged` is read at each acknowledgement.
 */
export function createAcknowledger(observer: {
  onAcknowledged?: ((ms: number) => void) | undefined;
}): (sending: Promise<void>, arrival: Arrival) => Promise<void> {
  return async (sending, arrival) => {
    await sending;
    if (!arrival.sent) {
      observer.onAcknowledged?.(performance.now() - arrival.at);
      return;
    }
    void arrival.sent.then((at) => {
      if (at !== undefined) observer.onAcknowledged?.(at - arrival.at);
    });
  };
}
