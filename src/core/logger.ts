import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';
import { prettyFactory } from 'pino-pretty';

export type { Logger };

export interface LoggerSettings {
  level: string;
  /** Human-readable lines (pino-pretty) instead of JSON; meant for development. */
  pretty: boolean;
  /** Where lines go; defaults to stderr so that stdout stays free for the console chat. */
  destination?: number;
  /**
   * While the console chat runs: every line goes to this file (appended) instead, and warnings and
   * errors also to `notice` as one line each, without a stack (the file keeps it).
   */
  toFile?: { path: string; notice: (line: string) => void };
}

/** The one way to make a logger. Everything else receives a logger (or a child) as a dependency. */
export function createLogger(settings: LoggerSettings): Logger {
  const options: LoggerOptions = {
    level: settings.level,
    base: { app: 'moodscale' },
    redact: {
      paths: ['*.token', '*.accessToken', '*.refreshToken', '*.notes', '*.note', '*.password', '*.secret'],
      censor: '[redacted]',
    },
  };
  if (settings.toFile && settings.level !== 'silent') return fileLogger(options, settings, settings.toFile);
  const fd = settings.destination ?? 2;
  if (settings.pretty) {
    return pino({
      ...options,
      transport: {
        target: 'pino-pretty',
        options: {
          destination: fd,
          colorize: process.stderr.isTTY,
          translateTime: 'SYS:HH:MM:ss',
          singleLine: true,
          ignore: 'pid,hostname,app',
        },
      },
    });
  }
  return pino(options, pino.destination({ fd, sync: false }));
}

/** A logger that drops everything; for tests and tools that want silence. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

const prettyOptions = {
  translateTime: 'SYS:yyyy-mm-dd HH:MM:ss',
  ignore: 'pid,hostname,app',
  singleLine: true,
} as const;

function fileLogger(
  options: LoggerOptions,
  settings: LoggerSettings,
  to: NonNullable<LoggerSettings['toFile']>,
): Logger {
  // Synchronous: a console session writes little, and nothing is lost when it exits at once.
  const file = pino.destination({ dest: to.path, mkdir: true, append: true, sync: true });
  const prettify = settings.pretty ? prettyFactory({ ...prettyOptions, colorize: false }) : undefined;
  const fileStream: DestinationStream = prettify
    ? { write: (line: string) => file.write(prettify(line)) }
    : file;
  const notices: DestinationStream = {
    write(line: string) {
      const text = noticeLine(line);
      if (text !== undefined) to.notice(text);
    },
  };
  return pino(
    options,
    pino.multistream([
      { level: settings.level as pino.Level, stream: fileStream },
      { level: 'warn', stream: notices },
    ]),
  );
}

/**
 * A warning or error as one terminal line: "warning: <message> (<error message>)". Fatal is left out:
 * the one fatal line (a failed start) is followed by main's own message on stderr.
 */
export function noticeLine(json: string): string | undefined {
  let entry: { level?: number; msg?: string; err?: string | { message?: string } };
  try {
    entry = JSON.parse(json);
  } catch {
    return undefined;
  }
  const level = entry.level ?? 0;
  if (level < 40 || level >= 60) return undefined;
  const reason = typeof entry.err === 'string' ? entry.err : entry.err?.message;
  const cause = reason ? ` (${reason})` : '';
  return `${level >= 50 ? 'error' : 'warning'}: ${entry.msg ?? ''}${cause}`;
}
