import { Writable } from 'node:stream';

import type { Secret } from '@trading/platform';
import { createLogger, type Logger } from '@trading/platform';

/** A real logger whose JSON lines are kept in memory for assertions. */
export interface CapturedLogger {
  logger: Logger;
  /** Raw lines as written. */
  lines: string[];
  /** Parsed lines. */
  records(): Record<string, unknown>[];
}

export function captureLogger(secrets: Secret[] = [], level = 'debug'): CapturedLogger {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      cb();
    },
  });
  const logger = createLogger({ service: 'test', level, secrets, stream });
  return { logger, lines, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}
