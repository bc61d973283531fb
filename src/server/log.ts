// The server's pino logger: JSON lines on stdout. Secrets never reach it: the router logs
// no headers and no query strings, and these paths are redacted in case a caller passes
// a request body or a config object along.
import { pino, type Logger, type DestinationStream } from 'pino';
import type { LogLevel } from '../config/types.js';

export const REDACTED_PATHS: readonly string[] = [
  'password', '*.password', 'new_password', '*.new_password',
  'access_token', '*.access_token', 'refresh_token', '*.refresh_token',
  'token', '*.token', 'registration_token', '*.registration_token',
  'authorization', '*.authorization', 'headers.authorization', '*.headers.authorization',
  'seed', '*.seed', 'auth.password', 'auth.token', '*.auth.password', '*.auth.token',
];

export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { pid: process.pid },
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options, pino.destination({ dest: 1, sync: false }));
}
