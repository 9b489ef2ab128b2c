import { createServer, request, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/core/logger.js';
import { addAcceptHandles } from '../../../src/platforms/slack/accept-handles.js';
import { portRefuses } from '../../support/free-port.js';

const servers: Server[] = [];

async function listening(): Promise<{ server: Server; port: number; acceptedByServer: () => number }> {
  let accepted = 0;
  const server = createServer((_req, res) => res.end('answered'));
  server.on('connection', () => {
    accepted += 1;
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { server, port, acceptedByServer: () => accepted };
}

/** `count` requests at once, each over a connection of its own; their answers' bodies. */
function burst(port: number, count: number): Promise<string[]> {
  return Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<string>((resolve, reject) => {
          const req = request({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
            let body = '';
            res.on('data', (chunk: Buffer) => {
              body += chunk.toString();
            });
            res.on('end', () => resolve(body));
          });
          req.on('error', reject);
          req.end();
        }),
    ),
  );
}

const closeServer = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => closeServer(server).catch(() => undefined)));
});

describe('GIVEN a listening server given three more accepting handles', () => {
  it('THEN the three listen, and a burst of new connections is accepted through them as well', async () => {
    const { server, port, acceptedByServer } = await listening();
    const handles = addAcceptHandles(server, 3, silentLogger());
    expect(await handles.ready).toBe(3);
    const answers = await burst(port, 40);
    expect(answers).toEqual(Array(40).fill('answered'));
    expect(acceptedByServer()).toBeLessThan(40);
    await handles.close();
  });

  it('THEN once they and the server are closed, nothing listens on the port', async () => {
    const { server, port } = await listening();
    const handles = addAcceptHandles(server, 3, silentLogger());
    await handles.ready;
    await burst(port, 10);
    await handles.close();
    await closeServer(server);
    expect(await portRefuses(port)).toBe(true);
  });

  it('THEN closing them before the helper has handed them all over leaves none listening', async () => {
    const { server, port } = await listening();
    const handles = addAcceptHandles(server, 3, silentLogger());
    await handles.close();
    await closeServer(server);
    expect(await portRefuses(port)).toBe(true);
  });
});

describe('GIVEN a helper process that cannot be started', () => {
  it('THEN the server keeps its one handle and answers as before', async () => {
    const { server, port, acceptedByServer } = await listening();
    const handles = addAcceptHandles(server, 3, silentLogger(), '/nonexistent/node');
    expect(await handles.ready).toBe(0);
    expect(await burst(port, 5)).toEqual(Array(5).fill('answered'));
    expect(acceptedByServer()).toBe(5);
    await handles.close();
  });
});

describe('GIVEN no extra handles asked for', () => {
  it('THEN the server keeps its one handle and answers as before', async () => {
    const { server, port, acceptedByServer } = await listening();
    const handles = addAcceptHandles(server, 0, silentLogger());
    expect(await handles.ready).toBe(0);
    expect(await burst(port, 5)).toEqual(Array(5).fill('answered'));
    expect(acceptedByServer()).toBe(5);
    await handles.close();
  });
});
