import { type ServerResponse, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

export interface RefusalOptions {
  /** How long a refused connection may stay open, unread, for its client to read the answer. */
  lingerMs: number;
  /** Refused connections open at once; past it, the oldest is closed. */
  maxLingering: number;
}

/**
 * A round trip across the internet is far below the linger. While a flood keeps more than
 * `maxLingering` connections refused at once, each lingers only until newer ones push it out: what they
 * hold (the first read of each body, up to 64 KB) stays bounded however fast they come.
 */
export const REFUSAL_DEFAULTS: RefusalOptions = { lingerMs: 1000, maxLingering: 32 };

/**
 * Answers requests refused on their headers and closes their connections without reading their bodies.
 *
 * Node's own path (`response.end()` with `connection: close`) reads and discards the rest of the body
 * until the socket has closed: every read is a new buffer that only a later garbage collection frees,
 * so a flood of 4 MB bodies held tens of MB of them (bench/slack-flood). Here the socket stops reading,
 * the answer and the end of our side go out, and the connection is destroyed once the client closes,
 * the linger has passed or newer refusals push it out. Destroying it at once would reset it (its body
 * is unread) before a client still sending had read its answer.
 */
export function createRefusals(options: RefusalOptions = REFUSAL_DEFAULTS) {
  const lingering = new Set<Socket>();
  return function refuseUnread(response: ServerResponse, status: 401 | 411 | 413): void {
    const socket = response.socket;
    if (!socket) {
      // The answer waits behind an earlier one on this connection (the client pipelines; Slack does
      // not): Node's path keeps the answers in order.
      response.writeHead(status, { connection: 'close' }).end();
      return;
    }
    socket.pause();
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
    );
    const linger = setTimeout(() => socket.destroy(), options.lingerMs);
    lingering.add(socket);
    socket.once('close', () => {
      clearTimeout(linger);
      lingering.delete(socket);
    });
    if (lingering.size > options.maxLingering) {
      const [oldest] = lingering;
      if (oldest) {
        lingering.delete(oldest);
        oldest.destroy();
      }
    }
  };
}
