import { type Logger, type LoggerOptions, pino } from 'pino';

export type { Logger };

export interface LoggerSettings {
  level: string;
  /** Human-readable lines (pino-pretty) instead of JSON; meant for development. */
  pretty: boolean;
  /** Where lines go; defaults to stderr so that stdout stays free for the console chat. */
  destination?: number;
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
