import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { Logger } from '../../core/logger.js';

/**
 * Node accepts one new connection per turn of its event loop on each listening handle (libuv accepts
 * once per readiness since its pull request 3696, not until the queue is empty). A busy bot's turns
 * last milliseconds, so fifty fresh connections arriving at once (a burst of Slack commands, each over
 * a new connection when a proxy in front does not keep its connections to us alive) waited up to fifty
 * turns to be accepted, 70-120 ms in bench/answer-latency, while requests on connections already open
 * went ahead of them.
 *
 * More handles on the same listening socket accept in parallel: each is a duplicate of the socket's
 * descriptor, and each accepts one connection per turn. Node duplicates a descriptor only when it
 * passes a handle to another process (as the cluster module does), so a short-lived helper process
 * hands the server's native handle back to us `copies` times; the helper exits at once. A native
 * handle is passed as it is, never listened on by the helper, so no connection can land there. When
 * anything fails the server keeps its one handle, as before: a line in the log says so.
 */
export interface AcceptHandles {
  /** How many extra handles listen, once the helper is done (0 when it failed). */
  readonly ready: Promise<number>;
  /** Closes the extra handles: the port keeps listening until they and the server are both closed. */
  close(): Promise<void>;
}

/** How long getting the duplicates may take before the server just keeps its one handle. */
const HELPER_DEADLINE_MS = 10_000;

// Sends each handle it receives straight back and closes its own copy: a descriptor left open in the
// helper would keep the port taking connections after the bot closed it. The copy that arrives here is
// a new descriptor.
const HELPER_SCRIPT = "process.on('message', (m, h) => process.send(m, h, () => h.close()));";

/** The native handle under a listening server (Node's own field; sent as it is, see above). */
const nativeHandle = (server: Server): unknown => (server as unknown as { _handle?: unknown })._handle;

export function addAcceptHandles(
  server: Server,
  copies: number,
  log: Logger,
  /** The node binary that runs the helper (this process's own; tests give one that does not exist). */
  execPath: string = process.execPath,
): AcceptHandles {
  const extra: Server[] = [];
  let helper: ChildProcess | undefined;
  let closed = false;

  const duplicate = (): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const onMessage = (_message: unknown, handle: unknown) => {
        helper?.off('exit', onExit);
        helper?.off('error', onExit);
        resolve(handle);
      };
      const onExit = () => reject(new Error('the helper process exited or could not start'));
      helper?.once('message', onMessage);
      helper?.once('exit', onExit);
      helper?.once('error', onExit);
      helper?.send('copy', nativeHandle(server) as Server);
    });

  const listenOn = (handle: unknown): Promise<void> => {
    const copy = createServer(server.listeners('request')[0] as RequestListener);
    copy.keepAliveTimeout = server.keepAliveTimeout;
    copy.headersTimeout = server.headersTimeout;
    copy.requestTimeout = server.requestTimeout;
    copy.timeout = server.timeout;
    copy.maxHeadersCount = server.maxHeadersCount;
    copy.on('error', (error) => log.warn({ err: error }, 'an extra accepting handle failed'));
    extra.push(copy);
    return new Promise((resolve) => copy.listen(handle as Server, () => resolve()));
  };

  const ready = (async () => {
    if (copies <= 0 || server.listeners('request').length !== 1 || !nativeHandle(server)) return;
    helper = spawn(execPath, ['-e', HELPER_SCRIPT], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    const running = helper;
    running.on('error', () => undefined);
    // 'error' without 'exit' when it could not be started at all.
    const exited = new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.once('error', () => resolve());
    });
    const deadline = setTimeout(() => running.kill('SIGKILL'), HELPER_DEADLINE_MS);
    try {
      for (let i = 0; i < copies && !closed; i++) await listenOn(await duplicate());
    } finally {
      // Ready only once the helper is gone, with every descriptor it held.
      running.kill();
      await exited;
      clearTimeout(deadline);
      helper = undefined;
    }
    log.debug({ handles: 1 + extra.length }, 'the Slack port accepts on several handles');
  })().then(
    () => extra.length,
    (error: unknown) => {
      log.info(
        { err: error, handles: 1 + extra.length },
        'could not give the Slack port all its extra accepting handles; it works with those it has',
      );
      return extra.length;
    },
  );

  return {
    ready,
    async close() {
      closed = true;
      helper?.kill();
      await ready;
      await Promise.all(
        extra.map(
          (copy) =>
            new Promise<void>((resolve) => {
              copy.close(() => resolve());
              copy.closeIdleConnections();
            }),
        ),
      );
    },
  };
}
