import { createServer, request, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createRefusals, type RefusalOptions } from '../../../src/platforms/slack/refused-connection.js';

const BODY_BYTES = 4 * 1024 * 1024;

interface Rig {
  port: number;
  /** The server's side of each refused connection, in the order they came. */
  refused: Socket[];
}

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/**
 * An HTTP server that refuses every request with 401, the way the Slack receiver refuses on headers,
 * except GET /slow, answered after 50 ms.
 */
async function refusingServer(options: RefusalOptions): Promise<Rig> {
  const refuse = createRefusals(options);
  const refused: Socket[] = [];
  server = createServer((request, response) => {
    if (request.url === '/slow') {
      // A request that is not refused, answered a little later.
      setTimeout(() => response.end('slow answer'), 50);
      return;
    }
    refused.push(request.socket);
    refuse(response, 401);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return { port: address.port, refused };
}

/**
 * A client that sends a POST declaring a 4 MB body and keeps writing it, as a flood does; resolves
 * with the status line it read, or the error it met first.
 */
function sendingClient(port: number): { socket: Socket; answer: Promise<string> } {
  const socket = connect(port, '127.0.0.1');
  const answer = new Promise<string>((resolve) => {
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (received.includes('\r\n\r\n')) resolve(received.split('\r\n')[0] ?? '');
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(`error ${error.code}`));
    socket.on('close', () => resolve(received.split('\r\n')[0] || 'closed without an answer'));
  });
  socket.write(`POST /slack/events HTTP/1.1\r\nhost: x\r\ncontent-length: ${BODY_BYTES}\r\n\r\n`);
  socket.write(Buffer.alloc(BODY_BYTES, 0x61));
  return { socket, answer };
}

const body = Buffer.alloc(BODY_BYTES, 0x61);

/** node:http's client, as most callers send: it stops at an error while writing, even with an answer on its way. */
function httpPost(port: number): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request({ port, host: '127.0.0.1', method: 'POST', path: '/slack/events' });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve(`error ${error.code}`));
    req.end(body);
  });
}

const closed = (socket: Socket) =>
  socket.destroyed
    ? Promise.resolve()
    : new Promise<void>((resolve) => socket.once('close', () => resolve()));

describe('refusing a request without reading its body', () => {
  it('GIVEN a client still sending a 4 MB body THEN it reads its 401, and the server read a small part of the body', async () => {
    const rig = await refusingServer({ lingerMs: 1000, maxLingering: 8 });
    const client = sendingClient(rig.port);
    expect(await client.answer).toBe('HTTP/1.1 401 Unauthorized');
    const [serverSide] = rig.refused;
    expect(serverSide?.bytesRead).toBeLessThan(256 * 1024);
    client.socket.destroy();
  });

  it('GIVEN 50 clients at once, each still sending 4 MB THEN every one reads its 401, none is reset first', async () => {
    const rig = await refusingServer({ lingerMs: 1000, maxLingering: 64 });
    const answers = await Promise.all(Array.from({ length: 50 }, () => httpPost(rig.port)));
    expect(answers.filter((answer) => answer !== 401)).toEqual([]);
  });

  it('GIVEN a refused client that never closes THEN the server closes the connection once the linger has passed', async () => {
    const rig = await refusingServer({ lingerMs: 100, maxLingering: 8 });
    const client = sendingClient(rig.port);
    await client.answer;
    const [serverSide] = rig.refused;
    if (!serverSide) throw new Error('no refused connection');
    const started = performance.now();
    await closed(serverSide);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(serverSide.bytesRead).toBeLessThan(256 * 1024);
    client.socket.destroy();
  });

  it('GIVEN more refused connections than maxLingering THEN the oldest are closed at once, and every client read its 401', async () => {
    const rig = await refusingServer({ lingerMs: 60_000, maxLingering: 2 });
    const clients = [];
    for (let i = 0; i < 5; i++) {
      const client = sendingClient(rig.port);
      clients.push(client);
      expect(await client.answer).toBe('HTTP/1.1 401 Unauthorized');
    }
    await Promise.all(rig.refused.slice(0, 3).map(closed));
    expect(rig.refused.map((socket) => socket.destroyed)).toEqual([true, true, true, false, false]);
    for (const client of clients) client.socket.destroy();
  });

  it('GIVEN a client that pipelines a refused request behind one still being answered THEN the answers come in order', async () => {
    const rig = await refusingServer({ lingerMs: 1000, maxLingering: 8 });
    const socket = connect(rig.port, '127.0.0.1');
    const received = new Promise<string>((resolve) => {
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        text += chunk;
      });
      socket.on('close', () => resolve(text));
      socket.on('error', () => undefined);
    });
    socket.write(
      'GET /slow HTTP/1.1\r\nhost: x\r\n\r\nPOST /slack/events HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n\r\n{}',
    );
    const text = await received;
    // The second status line follows the first answer's body directly.
    expect(text.match(/HTTP\/1\.1 \d{3}/g)).toEqual(['HTTP/1.1 200', 'HTTP/1.1 401']);
    expect(text).toContain('slow answer');
  });
});
