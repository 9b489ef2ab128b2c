import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { download, type RemoteFile } from '../../src/platforms/file-download.js';

/** A file server on 127.0.0.1 whose routes answer as a CDN might, well or badly. */
let server: Server;
let base: string;
/** Chunks the streaming route has written before the client went away. */
let streamed = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    const route = new URL(req.url ?? '/', 'http://x').pathname;
    const routes: Record<string, (res: ServerResponse) => void> = {
      '/ok': (r) => r.writeHead(200, { 'content-type': 'text/csv' }).end('a,b\n1,2\n'),
      '/declared-large': (r) => r.writeHead(200, { 'content-length': '5000' }).end('x'.repeat(5000)),
      '/gone': (r) => r.writeHead(404).end('no'),
      '/broken': (r) => r.writeHead(502).end('bad gateway'),
      '/slow': () => undefined,
      // No Content-Length: chunks keep coming until the client stops reading.
      '/endless': (r) => {
        r.writeHead(200, { 'content-type': 'application/octet-stream' });
        const timer = setInterval(() => {
          streamed++;
          if (!r.write(Buffer.alloc(1024, 120))) return;
        }, 1);
        r.on('close', () => clearInterval(timer));
      },
    };
    (routes[route] ?? ((r) => r.writeHead(404).end()))(res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const file = (path: string, extra: Partial<RemoteFile> = {}): RemoteFile => ({
  url: `${base}${path}`,
  name: 'export.csv',
  size: undefined,
  from: 'the CDN',
  whenGone: 'Attach it again.',
  ...extra,
});

describe('downloading a file a platform keeps behind a URL', () => {
  it('GIVEN a file within the limit THEN its bytes are returned', async () => {
    expect(new TextDecoder().decode(await download(file('/ok'), 100))).toBe('a,b\n1,2\n');
  });

  it('GIVEN a known size over the limit THEN it is refused before any request', async () => {
    await expect(download(file('/nowhere', { size: 500 }), 100)).rejects.toThrow(
      'export.csv is 500 bytes, more than the 100 bytes I can read.',
    );
  });

  it('GIVEN a Content-Length over the limit THEN it is refused without reading the body', async () => {
    await expect(download(file('/declared-large'), 1000)).rejects.toThrow(
      'export.csv is 4.9 KB, more than the 1000 bytes I can read.',
    );
  });

  it('GIVEN no size at all and a body that does not end THEN reading stops past the limit', async () => {
    streamed = 0;
    await expect(download(file('/endless'), 10 * 1024), 'refused').rejects.toThrow(
      'export.csv is larger than the 10 KB I can read.',
    );
    const after = streamed;
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The connection was closed: the server stopped writing (a few chunks may have been in flight).
    expect(streamed - after).toBeLessThan(5);
  });

  it('GIVEN 404 THEN the UserError says the platform no longer has it and what to do', async () => {
    await expect(download(file('/gone'), 100)).rejects.toThrow(
      'the CDN no longer has export.csv. Attach it again.',
    );
  });

  it('GIVEN a server error THEN the UserError says to try again', async () => {
    await expect(download(file('/broken'), 100)).rejects.toThrow(
      'I could not download export.csv from the CDN (the CDN answered 502). Nothing was saved; please try again in a moment.',
    );
  });

  it('GIVEN no answer within the timeout THEN the UserError says it took too long and to try again', async () => {
    await expect(download(file('/slow', { timeoutMs: 200 }), 100)).rejects.toThrow(
      'I could not download export.csv from the CDN (it took too long). Nothing was saved; please try again in a moment.',
    );
  });

  it('GIVEN nobody listening THEN the UserError says the connection failed and to try again', async () => {
    await expect(download(file('', { url: 'http://127.0.0.1:9/x' }), 100)).rejects.toThrow(
      'I could not download export.csv from the CDN (the connection failed).',
    );
  });
});
