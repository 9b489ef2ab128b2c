import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback HTTP server that records every JSON POST, standing in for a Slack or Discord webhook. */
export interface WebhookReceiver {
  readonly url: string;
  readonly bodies: Array<Record<string, unknown>>;
  /** The next requests answer this status (then 200 again when `times` runs out). */
  failNext(status: number, times?: number): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const bodies: Array<Record<string, unknown>> = [];
  let failing: { status: number; times: number } | undefined;
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8').on('data', (chunk: string) => {
      raw += chunk;
    });
    req.on('end', () => {
      if (failing && failing.times > 0) {
        failing.times -= 1;
        res.writeHead(failing.status).end();
        return;
      }
      bodies.push(JSON.parse(raw) as Record<string, unknown>);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/services/T000/B000/XXXX`,
    bodies,
    failNext(status, times = 1) {
      failing = { status, times };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
