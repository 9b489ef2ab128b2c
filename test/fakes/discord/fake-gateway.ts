import { randomBytes } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import type { Server } from 'node:http';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import type { UserJson } from './payloads.js';
import { gatewayFrameSchema, identifySchema, resumeSchema } from './schemas.js';

export interface FakeGatewayOptions {
  token: string;
  applicationId: string;
  botUser: UserJson;
  /** Sent in HELLO; Discord's is about 41 s. */
  heartbeatIntervalMs: number;
  /** Close the connection with this code instead of answering IDENTIFY (4014 disallowed intents...). */
  closeOnIdentify: number | undefined;
  /**
   * Several bot processes connected at once, each with its own session, as Discord allows (dispatches go
   * to the latest one). Off: a new IDENTIFY closes the live session's socket (4000).
   */
  concurrentSessions?: boolean;
  /** The ws:// URL of the gateway, for READY's resume_gateway_url. */
  url(): string;
}

interface Session {
  id: string;
  seq: number;
  /** Every dispatch of the session, so a RESUME can replay what the client missed. */
  events: Array<{ s: number; t: string; d: unknown }>;
  socket: WebSocket | undefined;
}

/** The gateway side of the fake: the real handshake, dispatches with sequence numbers, resume. */
export interface FakeGateway {
  readonly identifies: number;
  readonly resumes: number;
  readonly heartbeats: number;
  /** Intents the last IDENTIFY asked for. */
  readonly intents: number | undefined;
  /** A session is established and its socket open. */
  readonly live: boolean;
  /** The current session's id (a new IDENTIFY starts a new one); undefined before the first. */
  readonly sessionId: string | undefined;
  /** Sends a dispatch (queued for replay when the socket is down); returns its sequence number. */
  dispatch(t: string, d: unknown): number;
  /** Closes the live socket with `code`; 4000 (unknown error) is resumable. */
  drop(code: number): void;
  /** Resolves when a session is established or resumed (at once when live already). */
  waitUntilLive(timeoutMs?: number): Promise<void>;
  /** Drops the replay log of dispatches sent so far (long benchmarks; a later RESUME replays only newer ones). */
  forgetSent(): void;
  close(): Promise<void>;
}

export function createFakeGateway(server: Server, options: FakeGatewayOptions): FakeGateway {
  const wss = new WebSocketServer({ server, path: '/gateway' });
  const events = new EventEmitter();
  let session: Session | undefined;
  /** Sessions that can be resumed: the latest only, unless concurrentSessions. */
  const sessions = new Map<string, Session>();
  let identifies = 0;
  let resumes = 0;
  let heartbeats = 0;
  let intents: number | undefined;

  const send = (
    socket: WebSocket,
    frame: { op: number; d: unknown; s?: number | null; t?: string | null },
  ) => {
    socket.send(JSON.stringify({ s: null, t: null, ...frame }));
  };

  const record = (current: Session, t: string, d: unknown): number => {
    current.seq += 1;
    current.events.push({ s: current.seq, t, d });
    return current.seq;
  };

  wss.on('connection', (socket) => {
    send(socket, { op: 10, d: { heartbeat_interval: options.heartbeatIntervalMs } });
    socket.on('message', (raw: RawData) => onFrame(socket, raw));
    socket.on('close', () => {
      for (const each of sessions.values()) if (each.socket === socket) each.socket = undefined;
    });
  });

  function onFrame(socket: WebSocket, raw: RawData): void {
    let json: unknown;
    try {
      json = JSON.parse(raw.toString());
    } catch {
      socket.close(4002, 'Error while decoding payload.');
      return;
    }
    const frame = gatewayFrameSchema.safeParse(json);
    if (!frame.success) {
      socket.close(4002, 'Error while decoding payload.');
      return;
    }
    switch (frame.data.op) {
      case 1:
        heartbeats += 1;
        send(socket, { op: 11, d: null });
        return;
      case 2: {
        identifies += 1;
        const identify = identifySchema.safeParse(frame.data.d);
        if (!identify.success) {
          socket.close(4002, 'Error while decoding payload.');
          return;
        }
        intents = identify.data.intents;
        if (identify.data.token !== options.token) {
          socket.close(4004, 'Authentication failed.');
          return;
        }
        if (options.closeOnIdentify !== undefined) {
          socket.close(options.closeOnIdentify, 'Closed by the fake on IDENTIFY.');
          return;
        }
        if (!options.concurrentSessions) {
          if (session?.socket && session.socket !== socket) session.socket.close(4000, 'New session');
          sessions.clear();
        }
        const fresh: Session = { id: randomBytes(16).toString('hex'), seq: 0, events: [], socket };
        session = fresh;
        sessions.set(fresh.id, fresh);
        const ready = {
          v: 10,
          user: options.botUser,
          guilds: [],
          session_id: fresh.id,
          resume_gateway_url: options.url(),
          shard: identify.data.shard ?? [0, 1],
          application: { id: options.applicationId, flags: 0 },
        };
        send(socket, { op: 0, t: 'READY', s: record(fresh, 'READY', ready), d: ready });
        events.emit('live');
        return;
      }
      case 6: {
        resumes += 1;
        const resume = resumeSchema.safeParse(frame.data.d);
        const current = resume.success ? sessions.get(resume.data.session_id) : undefined;
        if (!resume.success || resume.data.token !== options.token || !current) {
          send(socket, { op: 9, d: false });
          return;
        }
        current.socket = socket;
        const from = resume.data.seq ?? 0;
        for (const event of current.events) {
          if (event.s > from) send(socket, { op: 0, t: event.t, s: event.s, d: event.d });
        }
        send(socket, { op: 0, t: 'RESUMED', s: record(current, 'RESUMED', {}), d: {} });
        events.emit('live');
        return;
      }
      default:
        // Presence updates, voice state and the rest: accepted and ignored.
        return;
    }
  }

  return {
    forgetSent() {
      if (session) session.events = [];
    },
    get identifies() {
      return identifies;
    },
    get resumes() {
      return resumes;
    },
    get heartbeats() {
      return heartbeats;
    },
    get intents() {
      return intents;
    },
    get sessionId() {
      return session?.id;
    },
    get live() {
      return session?.socket !== undefined && session.socket.readyState === session.socket.OPEN;
    },
    dispatch(t, d) {
      if (!session) throw new Error('the fake gateway has no session: start the bot first');
      const s = record(session, t, d);
      if (session.socket && session.socket.readyState === session.socket.OPEN) {
        send(session.socket, { op: 0, t, s, d });
      }
      return s;
    },
    drop(code) {
      session?.socket?.close(code, 'Closed by the fake');
      if (session) session.socket = undefined;
    },
    async waitUntilLive(timeoutMs = 10_000) {
      if (this.live) return;
      await once(events, 'live', { signal: AbortSignal.timeout(timeoutMs) });
    },
    async close() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
