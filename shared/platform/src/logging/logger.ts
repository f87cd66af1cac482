import type { Writable } from 'node:stream';

import winston from 'winston';

import { createRedactor } from '../config/redactor.js';
import { Secret, SECRET_MASK } from '../config/secret.js';

/** The logger every module receives. */
export type Logger = winston.Logger;

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  service: string;
  level?: string;
  /** Secret values that must never reach a line, even when they leak into a message or an error. */
  secrets?: readonly Secret[];
  /** Where lines go; stdout by default. Tests pass a stream to read what was written. */
  stream?: Writable;
  /**
   * `json`: one JSON object per line (for machines: Docker, Loki). `pretty`: one readable line per
   * entry (for a person at a terminal). `auto` (default): pretty when stdout is a terminal.
   */
  format?: LogFormat;
}

/** How lines are written; see {@link LoggerOptions.format}. */
export type LogFormat = 'json' | 'pretty' | 'auto';

const MESSAGE = Symbol.for('message');
const MAX_DEPTH = 8;

/** Turn errors, secrets and cycles into plain JSON-safe values, recursively. */
function toLoggable(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (value instanceof Secret) return SECRET_MASK;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[Circular]';
  if (depth > MAX_DEPTH) return '[Truncated]';
  seen.add(value);
  if (value instanceof Error) {
    const out: Record<string, unknown> = { name: value.name, message: value.message, stack: value.stack };
    for (const [k, v] of Object.entries(value)) out[k] = toLoggable(v, depth + 1, seen);
    if (value.cause !== undefined) out.cause = toLoggable(value.cause, depth + 1, seen);
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => toLoggable(v, depth + 1, seen));
  if (value instanceof Date) return value.toISOString();
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = toLoggable(v, depth + 1, seen);
  return out;
}

const serialise = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (key === 'level' || key === 'message') continue;
    info[key] = toLoggable(info[key], 0, new WeakSet());
  }
  if (typeof info.message !== 'string')
    info.message = JSON.stringify(toLoggable(info.message, 0, new WeakSet()));
  return info;
});

/** Mask secret values in the final line, wherever they leaked into it. */
function scrubber(secrets: readonly Secret[]): winston.Logform.Format {
  const redact = createRedactor(secrets);
  return winston.format((info) => {
    const record = info as unknown as Record<symbol, unknown>;
    const line = record[MESSAGE];
    if (typeof line === 'string') record[MESSAGE] = redact(line);
    return info;
  })();
}

const META_SKIP = new Set(['level', 'message', 'timestamp', 'service']);

/** `12:03:04 WARN  executor  order refused  rule=cooldown symbol=GOOG`, an error's stack below it. */
const prettyLine = winston.format.printf((info) => {
  const time = String(info.timestamp).slice(11, 19);
  const level = info.level.toUpperCase().padEnd(5);
  const service = String(info.service).padEnd(17);
  const meta: string[] = [];
  let stack = '';
  for (const [key, value] of Object.entries(info)) {
    if (META_SKIP.has(key)) continue;
    if (typeof value === 'object' && value !== null && 'stack' in value && typeof value.stack === 'string') {
      meta.push(`${key}=${JSON.stringify((value as { message?: unknown }).message)}`);
      if (info.level === 'error') stack = `\n    ${value.stack.split('\n').slice(1, 6).join('\n    ')}`;
      continue;
    }
    meta.push(`${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  }
  return `${time} ${level} ${service} ${String(info.message)}${meta.length ? `  ${meta.join(' ')}` : ''}${stack}`;
});

function pretty(options: LoggerOptions): boolean {
  const format = options.format ?? 'auto';
  if (format === 'auto') return !options.stream && process.stdout.isTTY;
  return format === 'pretty';
}

/**
 * A winston logger writing one JSON object per line with `service`, `level`, `timestamp`,
 * the message and metadata; errors carry their stack; secrets are masked. At a terminal (format
 * `auto`, or `pretty`) the same entries are one readable line each, masked the same way.
 */
export function createLogger(options: LoggerOptions): Logger {
  // winston's transport classes are typed against a second copy of winston-transport.
  /* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment */
  const transport: winston.transport = options.stream
    ? new winston.transports.Stream({ stream: options.stream })
    : new winston.transports.Console();
  /* eslint-enable @typescript-eslint/no-unsafe-class-instance-assignment */
  return winston.createLogger({
    level: options.level ?? 'info',
    defaultMeta: { service: options.service },
    format: winston.format.combine(
      winston.format.errors({ stack: true }),
      serialise(),
      winston.format.timestamp(),
      pretty(options) ? prettyLine : winston.format.json(),
      scrubber(options.secrets ?? []),
    ),
    transports: [transport],
  });
}
