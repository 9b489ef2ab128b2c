import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from '../../core/logger.js';

// The SDK's debug lines carry whole payloads (a /mood note, a DM's text): they go to pino's trace level,
// so LOG_LEVEL=debug does not write health data to the log.
const toSlackLevel: Record<string, LogLevel> = {
  trace: LogLevel.DEBUG,
  debug: LogLevel.INFO,
  info: LogLevel.INFO,
  warn: LogLevel.WARN,
};

/**
 * Bolt's logger interface over pino, so the SDK's lines (signature failures, Socket Mode reconnects,
 * rate limits) land in MoodScale's log with everything else. The level is pino's (Bolt's setLevel calls
 * are ignored), one step lower for the SDK's debug lines.
 */
export function boltLogger(logger: Logger, hooks: { onError?: (line: string) => void } = {}): SlackLogger {
  const write = (level: 'trace' | 'info' | 'warn' | 'error', parts: unknown[]) => {
    if (!logger.isLevelEnabled(level) && !(level === 'error' && hooks.onError)) return;
    const err = parts.find((p): p is Error => p instanceof Error);
    const text = parts
      .filter((p) => p !== err)
      .map((p) => (typeof p === 'string' ? p : safeJson(p)))
      .join(' ');
    if (level === 'error') hooks.onError?.(text || err?.message || '');
    if (err) logger[level]({ err }, text || err.message);
    else logger[level](text);
  };
  return {
    debug: (...parts: unknown[]) => write('trace', parts),
    info: (...parts: unknown[]) => write('info', parts),
    warn: (...parts: unknown[]) => write('warn', parts),
    error: (...parts: unknown[]) => write('error', parts),
    setLevel: () => undefined,
    getLevel: () => toSlackLevel[logger.level] ?? LogLevel.ERROR,
    setName: () => undefined,
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
